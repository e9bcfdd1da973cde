/**
 * `tasks/get`, `tasks/update`, `tasks/cancel` of the tasks extension, and the capability gate every one of
 * them passes first (SEP-2663).
 * @module
 */
import { type ClientCapabilities, type JsonObject, ErrorCode, ProtocolError, invalidParams } from '@mcpkit/protocol';
import { TASKS_EXTENSION, type TaskRecord, type TaskStore } from './task-store.js';
import { answerTask } from './task-runner.js';

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

function find(store: TaskStore, params: JsonObject): TaskRecord {
  const taskId = params.taskId;
  if (typeof taskId !== 'string') throw invalidParams('params.taskId', 'must be a string');
  const task = store.get(taskId);
  if (!task) throw new ProtocolError(ErrorCode.InvalidParams, `Failed to retrieve task: Task not found: ${taskId}`, { taskId });
  return task;
}

/**
 * Runs one tasks/* method.
 * @throws ProtocolError -32021 without the extension; -32602 for an unknown task or bad params.
 */
export function runTaskMethod(store: TaskStore, method: string, params: JsonObject, caps: ClientCapabilities): JsonObject {
  if (!declaresTasks(caps)) throw tasksRequired(method);
  const task = find(store, params);
  switch (method) {
    case 'tasks/get':
      return task.detailed();
    case 'tasks/update': {
      const responses = params.inputResponses;
      if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
        throw invalidParams('params.inputResponses', 'must be an object');
      }
      // Eventually consistent: answers for unknown or already-answered keys are acknowledged and ignored.
      if (!task.terminal) answerTask(task, responses as Record<string, JsonObject>);
      return {};
    }
    default: {
      // tasks/cancel is cooperative and idempotent: a terminal task gets the same empty ack.
      if (!task.terminal) {
        task.controller.abort('cancelled by client');
        task.setStatus('cancelled');
      }
      return {};
    }
  }
}
