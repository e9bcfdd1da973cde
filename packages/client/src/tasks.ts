/**
 * Tool calls as tasks (the `io.modelcontextprotocol/tasks` extension of 2026-07-28, SEP-2663), client side:
 * start a call as a task, poll `tasks/get` at the server's suggested interval, answer the task's input requests
 * with `tasks/update`, cancel it with `tasks/cancel`, and read its result.
 * @module
 */
import {
  type CallToolResult,
  type ClientCapabilities,
  type InputRequest,
  type JsonObject,
  type JsonRpcErrorObject,
  CancelledError,
  ErrorCode,
  McpkitError,
  ProtocolError,
  ProtocolViolationError,
} from '@mcpkit/protocol';
import type { CallOptions } from './client-types.js';
import { type ClientHandlers, fulfil } from './handlers.js';
import { runWithInput } from './mrtr.js';
import type { Negotiated } from './negotiate.js';

/** The extension's identifier, as servers advertise it in `capabilities.extensions`. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

const STATUSES: ReadonlySet<string> = new Set(['working', 'input_required', 'completed', 'failed', 'cancelled']);
const DEFAULT_POLL_MS = 1000;

/** What the server last said about a task (`tasks/get`, or the CreateTaskResult at the start). */
export interface TaskState {
  /** Undefined when the server answered the call at once instead of starting a task. */
  taskId: string | undefined;
  status: TaskStatus;
  statusMessage?: string | undefined;
  createdAt?: string | undefined;
  lastUpdatedAt?: string | undefined;
  ttlMs?: number | undefined;
  /** How often the server suggests polling. */
  pollIntervalMs?: number | undefined;
  /** Once `completed`. */
  result?: CallToolResult | undefined;
  /** Once `failed`. */
  error?: JsonRpcErrorObject | undefined;
  /** While `input_required`: what the task waits for, by key. */
  inputRequests?: Record<string, InputRequest> | undefined;
}

/** Options of {@link ToolTask.wait}. */
export interface TaskWaitOptions {
  /** Stops waiting (the task goes on at the server: call `cancel()` to stop it). */
  signal?: AbortSignal;
  /** Called with the first state and then with each change of status or status message. */
  onStatus?: (state: TaskState) => void;
  /** Poll this often instead of the server's suggestion. */
  pollIntervalMs?: number;
  /** Answer the task's input requests with these instead of the client's handlers. */
  handlers?: ClientHandlers;
}

/**
 * The server does not offer the tasks extension (it is a 2026-07-28 extension; session-era servers never do).
 * Code `MCPKIT_TASKS_UNSUPPORTED`.
 */
export class TasksUnsupportedError extends McpkitError {
  static readonly errorCode = 'MCPKIT_TASKS_UNSUPPORTED';
  override name = 'TasksUnsupportedError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(TasksUnsupportedError.errorCode, message, options);
  }
}

/** How a task talks to its server: requests that declare the extension in their capabilities. */
export interface TaskChannel {
  send(method: string, params: JsonObject | undefined, options: CallOptions): Promise<JsonObject>;
  handlers: ClientHandlers;
  /** Checks the tool's result (its outputSchema) before `wait()` hands it out. */
  check(result: CallToolResult): CallToolResult;
}

/**
 * Refuses to start a task on a server that does not offer the extension.
 * @throws TasksUnsupportedError `MCPKIT_TASKS_UNSUPPORTED`
 */
export function requireTasks(negotiated: Negotiated | undefined, tool: string): void {
  const extensions = negotiated?.capabilities.extensions as Record<string, unknown> | undefined;
  if (negotiated && typeof extensions?.[TASKS_EXTENSION] === 'object') return;
  const why = !negotiated
    ? 'the client is not connected'
    : negotiated.era === 'session'
      ? `it speaks the session era (${negotiated.protocolVersion}), which has no tasks extension`
      : `it does not offer the ${TASKS_EXTENSION} extension`;
  throw new TasksUnsupportedError(`Cannot run tool ${tool} as a task: ${why}`);
}

/** The client's capabilities plus the extension: only task requests declare it, so a plain call never becomes a task. */
export function withTasksExtension(caps: ClientCapabilities): ClientCapabilities {
  return { ...caps, extensions: { ...caps.extensions, [TASKS_EXTENSION]: {} } };
}

/**
 * Sends a task-declaring `tools/call` (playing out any input rounds before the task starts) and returns its handle.
 * @throws ProtocolError for an error response; ProtocolViolationError for a malformed result.
 */
export async function startToolTask(name: string, args: JsonObject, options: CallOptions, maxRounds: number, channel: TaskChannel): Promise<ToolTask> {
  const result = await runWithInput('tools/call', { name, arguments: args }, options, { send: channel.send, handlers: channel.handlers, maxRounds });
  return taskFromResult(result, channel);
}

/** Reads a CreateTaskResult or a DetailedTask. */
export function parseTaskState(value: JsonObject, method: string): TaskState {
  const { taskId, status } = value;
  if (typeof taskId !== 'string' || taskId === '') throw new ProtocolViolationError(`${method} result has no taskId`);
  if (typeof status !== 'string' || !STATUSES.has(status)) throw new ProtocolViolationError(`${method} result has an unknown task status ${JSON.stringify(status)}`);
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const obj = <T>(v: unknown) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as T) : undefined);
  return {
    taskId,
    status: status as TaskStatus,
    statusMessage: str(value.statusMessage),
    createdAt: str(value.createdAt),
    lastUpdatedAt: str(value.lastUpdatedAt),
    ttlMs: num(value.ttlMs),
    pollIntervalMs: num(value.pollIntervalMs),
    result: obj<CallToolResult>(value.result),
    error: obj<JsonRpcErrorObject>(value.error),
    inputRequests: obj<Record<string, InputRequest>>(value.inputRequests),
  };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = () => {
      clearTimeout(timer);
      reject(new CancelledError('Stopped waiting for the task', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/**
 * A tool call running as a task at the server.
 * @example
 * const task = await client.callToolAsTask('slow_report', { days: 30 });
 * const result = await task.wait({ onStatus: (s) => console.error(s.status) });
 */
export class ToolTask {
  readonly #channel: TaskChannel | undefined;
  #state: TaskState;
  /** Input requests already answered: a poll may still show them until the server catches up. */
  readonly #answered = new Set<string>();

  constructor(state: TaskState, channel: TaskChannel | undefined) {
    this.#state = state;
    this.#channel = channel;
  }

  /** The task's id; undefined when the server answered the call at once (then the handle is already completed). */
  get taskId(): string | undefined {
    return this.#state.taskId;
  }

  /** The last state seen, without asking the server. */
  get state(): TaskState {
    return this.#state;
  }

  /**
   * Asks the server for the task's state (`tasks/get`).
   * @throws ProtocolError -32602 when the server no longer knows the task (its TTL ran out).
   */
  async status(options: CallOptions = {}): Promise<TaskState> {
    const id = this.#state.taskId;
    if (id === undefined || !this.#channel) return this.#state;
    this.#state = parseTaskState(await this.#channel.send('tasks/get', { taskId: id }, options), 'tasks/get');
    return this.#state;
  }

  /**
   * Polls until the task ends, answering its input requests on the way, and resolves with the tool's result.
   * @throws ProtocolError with the task's error when it failed; CancelledError `MCPKIT_CANCELLED` when it was
   *   cancelled or `signal` fired; ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` for a malformed state.
   */
  async wait(options: TaskWaitOptions = {}): Promise<CallToolResult> {
    const { signal } = options;
    let state = this.#state;
    let told: string | undefined;
    for (;;) {
      const key = `${state.status}\n${state.statusMessage ?? ''}`;
      if (key !== told) {
        told = key;
        options.onStatus?.(state);
      }
      switch (state.status) {
        case 'completed':
          if (!state.result) throw new ProtocolViolationError(`Task ${state.taskId ?? ''} completed without a result`);
          return this.#channel ? this.#channel.check(state.result) : state.result;
        case 'failed':
          throw ProtocolError.fromWire(state.error ?? { code: ErrorCode.InternalError, message: `Task ${state.taskId ?? ''} failed` });
        case 'cancelled':
          throw new CancelledError(`Task ${state.taskId ?? ''} was cancelled`);
        case 'input_required':
          if (await this.#answer(state, options)) {
            state = await this.status({ signal });
            continue;
          }
      }
      await sleep(options.pollIntervalMs ?? state.pollIntervalMs ?? DEFAULT_POLL_MS, signal);
      state = await this.status({ signal });
    }
  }

  /** The tool's result: {@link wait} without options. */
  result(): Promise<CallToolResult> {
    return this.wait();
  }

  /**
   * Asks the server to cancel the task (`tasks/cancel`; cooperative, and a no-op for a task that has ended),
   * then resolves with its state.
   */
  async cancel(options: CallOptions = {}): Promise<TaskState> {
    const id = this.#state.taskId;
    if (id === undefined || !this.#channel) return this.#state;
    await this.#channel.send('tasks/cancel', { taskId: id }, options);
    return this.status(options);
  }

  /** Answers the input requests not answered yet (`tasks/update`); false when there were none. */
  async #answer(state: TaskState, options: TaskWaitOptions): Promise<boolean> {
    const channel = this.#channel!;
    const responses: JsonObject = {};
    const signal = options.signal ?? new AbortController().signal;
    for (const [key, request] of Object.entries(state.inputRequests ?? {})) {
      if (this.#answered.has(key)) continue;
      if (typeof request?.method !== 'string') throw new ProtocolViolationError(`tasks/get: inputRequests.${key} has no method`);
      responses[key] = await fulfil(options.handlers ?? channel.handlers, request.method, request.params as JsonObject | undefined, { signal, era: 'stateless' });
    }
    const keys = Object.keys(responses);
    if (keys.length === 0) return false;
    await channel.send('tasks/update', { taskId: state.taskId!, inputResponses: responses }, { signal });
    for (const k of keys) this.#answered.add(k);
    return true;
  }
}

/**
 * Turns the answer to a task-declaring `tools/call` into a handle: a CreateTaskResult starts polling, a plain
 * result (the server ran the tool at once) is a handle that has already completed.
 * @throws ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` for any other result type.
 */
export function taskFromResult(result: JsonObject, channel: TaskChannel): ToolTask {
  const type = result.resultType;
  if (type === 'task') return new ToolTask(parseTaskState(result, 'tools/call'), channel);
  if (type !== undefined && type !== 'complete') throw new ProtocolViolationError(`Server answered tools/call with an unknown resultType ${JSON.stringify(type)}`);
  const { resultType: _consumed, ...rest } = result;
  return new ToolTask({ taskId: undefined, status: 'completed', result: channel.check(rest as unknown as CallToolResult) }, undefined);
}
