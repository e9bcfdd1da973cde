/**
 * Runs a tool call as a task: the handler goes on in the background with an exchange whose asks park the
 * task in `input_required` until `tasks/update` answers them.
 * @module
 */
import {
  type ClientCapabilities,
  type Implementation,
  type InputRequest,
  type JsonObject,
  type LoggingLevel,
  type MessageInfo,
  type RequestId,
  ErrorCode,
  ProtocolError,
} from '@mcpkit/protocol';
import type { Exchange } from '../context.js';
import type { TaskRecord } from './task-store.js';

/** The exchange a task's handler runs with once the task exists. */
export class TaskExchange implements Exchange {
  readonly era = 'stateless' as const;
  readonly protocolVersion: string;
  readonly requestId: RequestId;
  readonly clientCapabilities: ClientCapabilities;
  readonly clientInfo: Implementation | undefined;
  readonly sessionId = undefined;
  readonly info: MessageInfo | undefined;
  readonly meta: JsonObject | undefined;
  // spec SEP-2663: progress and log notifications are not supported on tasks.
  readonly logLevel: LoggingLevel | undefined = undefined;
  readonly task: TaskRecord;

  constructor(task: TaskRecord, from: Omit<Exchange, 'notify' | 'input' | 'signal' | 'logLevel' | 'era' | 'sessionId'>) {
    this.task = task;
    this.protocolVersion = from.protocolVersion;
    this.requestId = from.requestId;
    this.clientCapabilities = from.clientCapabilities;
    this.clientInfo = from.clientInfo;
    this.info = from.info;
    this.meta = from.meta === undefined ? undefined : withoutProgress(from.meta);
  }

  get signal(): AbortSignal {
    return this.task.controller.signal;
  }

  async notify(): Promise<void> {}

  input(request: InputRequest, key?: string): Promise<JsonObject> {
    const task = this.task;
    const k = key ?? `input-${task.pending.size + task.early.size}-${Date.now().toString(36)}`;
    const early = task.early.get(k);
    if (early !== undefined) {
      task.early.delete(k);
      return Promise.resolve(early);
    }
    return new Promise<JsonObject>((resolve, reject) => {
      if (task.signal.aborted) return reject(new ProtocolError(ErrorCode.InternalError, 'Task cancelled'));
      task.pending.set(k, { request, resolve });
      task.setStatus('input_required');
      task.signal.addEventListener('abort', () => reject(new ProtocolError(ErrorCode.InternalError, 'Task cancelled')), { once: true });
    });
  }
}

function withoutProgress(meta: JsonObject): JsonObject {
  if (!('progressToken' in meta)) return meta;
  const { progressToken: _drop, ...rest } = meta;
  return rest;
}

/**
 * Answers outstanding asks of a task (`tasks/update`). Unknown keys are kept in case the handler asks later;
 * once nothing is outstanding the task is working again.
 */
export function answerTask(task: TaskRecord, responses: Record<string, JsonObject>): void {
  for (const [key, answer] of Object.entries(responses)) {
    const pending = task.pending.get(key);
    if (pending) {
      task.pending.delete(key);
      pending.resolve(answer);
    } else if (task.early.size < 64) {
      task.early.set(key, answer);
    }
  }
  if (task.status === 'input_required' && task.pending.size === 0) task.setStatus('working');
}

/** Records how the handler ended. */
export function settleTask(task: TaskRecord, outcome: { result?: JsonObject; error?: unknown }, report: (e: unknown) => void): void {
  if (task.terminal) return;
  if (task.signal.aborted) {
    task.setStatus('cancelled');
    return;
  }
  if (outcome.error !== undefined) {
    const e = outcome.error;
    if (!(e instanceof ProtocolError)) report(e);
    task.error = e instanceof ProtocolError ? e.toJSON() : { code: ErrorCode.InternalError, message: 'Internal error' };
    task.setStatus('failed');
    return;
  }
  // A tool that reported isError still completed: the error is in its result (SEP-2663).
  task.result = outcome.result;
  task.setStatus('completed');
}
