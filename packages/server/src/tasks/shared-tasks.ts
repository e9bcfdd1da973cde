/**
 * Tasks shared by replicas (tasks extension, SEP-2663): the replica running a task saves its `DetailedTask`
 * after every change; `tasks/get` on any replica reads it, and `tasks/update` and `tasks/cancel` reach the
 * running replica as actions. The handler itself always runs where the task was created.
 * @module
 */
import type { JsonObject } from '@mcpkit/protocol';

/** What `tasks/update` or `tasks/cancel`, received elsewhere, asks of the replica running a task. */
export type TaskAction = { type: 'update'; inputResponses: Record<string, JsonObject> } | { type: 'cancel' };

/** Where replicas share task records and send each other task actions. */
export interface SharedTaskStore {
  /** Saves a task's `DetailedTask` (with its `taskId`), readable by every replica until `expiresAtMs`. */
  save(task: JsonObject, expiresAtMs: number): Promise<void>;
  /** The latest `DetailedTask` any replica saved, or undefined (unknown or expired). */
  load(taskId: string): Promise<JsonObject | undefined>;
  /** Sends `action` to the replica running `taskId` (every replica hears it; the one running the task acts). */
  act(taskId: string, action: TaskAction): Promise<void>;
  /** Calls `listener` with every action sent by any replica. */
  onAction(listener: (taskId: string, action: TaskAction) => void): () => void;
}

/**
 * A SharedTaskStore inside one process (replicas that are servers in one process; tests), bounded like the
 * task store: records expire, and the oldest go first past `maxTasks`.
 * @example
 * const tasks = new MemorySharedTaskStore();
 * const a = new McpServer(info, { tasks: { shared: tasks } });
 * const b = new McpServer(info, { tasks: { shared: tasks } });
 */
export class MemorySharedTaskStore implements SharedTaskStore {
  readonly #tasks = new Map<string, { task: JsonObject; expiresAtMs: number }>();
  readonly #listeners = new Set<(taskId: string, action: TaskAction) => void>();
  readonly #max: number;

  constructor(options: { maxTasks?: number } = {}) {
    this.#max = options.maxTasks ?? 10_000;
  }

  async save(task: JsonObject, expiresAtMs: number): Promise<void> {
    const id = String(task.taskId);
    this.#tasks.delete(id);
    if (this.#tasks.size >= this.#max) {
      const oldest = this.#tasks.keys().next().value;
      if (oldest !== undefined) this.#tasks.delete(oldest);
    }
    this.#tasks.set(id, { task: structuredClone(task), expiresAtMs });
  }

  async load(taskId: string): Promise<JsonObject | undefined> {
    const entry = this.#tasks.get(taskId);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= Date.now()) {
      this.#tasks.delete(taskId);
      return undefined;
    }
    return structuredClone(entry.task);
  }

  async act(taskId: string, action: TaskAction): Promise<void> {
    for (const listener of this.#listeners) listener(taskId, action);
  }

  onAction(listener: (taskId: string, action: TaskAction) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
