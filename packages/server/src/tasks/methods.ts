/**
 * `tasks/get`, `tasks/update`, `tasks/cancel` of the tasks extension, and the capability gate every one of
 * them passes first (SEP-2663).
 * @module
 */
import { type ClientCapabilities, type JsonObject, ErrorCode, ProtocolError, invalidParams } from '@mcpkit/protocol';
import { TASKS_EXTENSION, TERMINAL, type TaskRecord, type TaskStatus, type TaskStore } from './task-store.js';
import { answerTask } from './task-runner.js';
import type { SharedTaskStore, TaskAction } from './shared-tasks.js';

export const TASK_METHODS: ReadonlySet<string> = new Set(['tasks/get', 'tasks/update', 'tasks/cancel']);

/** Whether this request's client declared the tasks extension. */
export function declaresTasks(caps: ClientCapabilities): boolean {
  const ext = caps.extensions?.[TASKS_EXTENSION];
  return typeof ext === 'object' && ext !== null;
}

/** The -32021 error for a client that did not declare the extension. */
export function tasksRequired(what: string): ProtocolError {
  return new ProtocolError(ErrorCode.MissingRequiredClientCapability, `${what} requires the ${TASKS_EXTENSION} extension`, {
    requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } },
  });
}

function taskIdOf(params: JsonObject): string {
  const taskId = params.taskId;
  if (typeof taskId !== 'string') throw invalidParams('params.taskId', 'must be a string');
  return taskId;
}

const notFound = (taskId: string) => new ProtocolError(ErrorCode.InvalidParams, `Failed to retrieve task: Task not found: ${taskId}`, { taskId });

function inputResponsesOf(params: JsonObject): Record<string, JsonObject> {
  const responses = params.inputResponses;
  if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
    throw invalidParams('params.inputResponses', 'must be an object');
  }
  return responses as Record<string, JsonObject>;
}

/** Applies a tasks/update or tasks/cancel to a task running here (also when another replica received it). */
export function applyTaskAction(task: TaskRecord, action: TaskAction): void {
  if (task.terminal) return;
  if (action.type === 'update') {
    answerTask(task, action.inputResponses);
    return;
  }
  task.controller.abort('cancelled by client');
  task.setStatus('cancelled');
}

/**
 * Runs one tasks/* method.
 * @throws ProtocolError -32021 without the extension; -32602 for an unknown task or bad params.
 */
export function runTaskMethod(store: TaskStore, method: string, params: JsonObject, caps: ClientCapabilities, shared?: SharedTaskStore): JsonObject | Promise<JsonObject> {
  if (!declaresTasks(caps)) throw tasksRequired(method);
  const taskId = taskIdOf(params);
  const task = store.get(taskId);
  if (!task) {
    if (shared === undefined) throw notFound(taskId);
    return runOnShared(shared, method, taskId, params);
  }
  switch (method) {
    case 'tasks/get':
      return task.detailed();
    case 'tasks/update':
      // Eventually consistent: answers for unknown or already-answered keys are acknowledged and ignored.
      applyTaskAction(task, { type: 'update', inputResponses: inputResponsesOf(params) });
      return {};
    default:
      // tasks/cancel is cooperative and idempotent: a terminal task gets the same empty ack.
      applyTaskAction(task, { type: 'cancel' });
      return {};
  }
}

/** A task another replica runs: its saved record answers tasks/get; update and cancel go to it as actions. */
async function runOnShared(shared: SharedTaskStore, method: string, taskId: string, params: JsonObject): Promise<JsonObject> {
  const responses = method === 'tasks/update' ? inputResponsesOf(params) : undefined;
  const saved = await shared.load(taskId);
  if (saved === undefined) throw notFound(taskId);
  if (method === 'tasks/get') return saved;
  if (!TERMINAL.has(saved.status as TaskStatus)) await shared.act(taskId, responses === undefined ? { type: 'cancel' } : { type: 'update', inputResponses: responses });
  return {};
}
