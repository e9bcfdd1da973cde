/**
 * Task records of the tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): status, result or error,
 * outstanding input requests, and a TTL after which the record is dropped.
 * @module
 */
import type { InputRequest, JsonObject, JsonRpcErrorObject } from '@mcpkit/protocol';
import type { SharedTaskStore } from './shared-tasks.js';

export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL: ReadonlySet<TaskStatus> = new Set(['completed', 'failed', 'cancelled']);

/** One task. Mutated only through {@link TaskRecord} methods so `lastUpdatedAt` and listeners stay right. */
export class TaskRecord {
  readonly taskId: string;
  readonly createdAt: string;
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
  readonly controller = new AbortController();
  status: TaskStatus = 'working';
  statusMessage: string | undefined;
  lastUpdatedAt: string;
  result: JsonObject | undefined;
  error: JsonRpcErrorObject | undefined;
  /** Outstanding asks of the running handler, by key. */
  readonly pending = new Map<string, { request: InputRequest; resolve: (answer: JsonObject) => void }>();
  /** Answers that arrived before the handler asked (keys are unique over the task's life). */
  readonly early = new Map<string, JsonObject>();
  readonly #onChange: (task: TaskRecord) => void;

  constructor(ttlMs: number, pollIntervalMs: number, onChange: (task: TaskRecord) => void) {
    this.taskId = crypto.randomUUID();
    this.createdAt = new Date().toISOString();
    this.lastUpdatedAt = this.createdAt;
    this.ttlMs = ttlMs;
    this.pollIntervalMs = pollIntervalMs;
    this.#onChange = onChange;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get terminal(): boolean {
    return TERMINAL.has(this.status);
  }

  setStatus(status: TaskStatus, message?: string): void {
    if (this.terminal || (this.status === status && message === this.statusMessage)) return;
    this.status = status;
    this.statusMessage = message;
    this.lastUpdatedAt = new Date().toISOString();
    this.#onChange(this);
  }

  /** The flat `CreateTaskResult` (no result, error or inputRequests: those live on tasks/get). */
  created(): JsonObject {
    return {
      resultType: 'task',
      taskId: this.taskId,
      status: this.status,
      ...(this.statusMessage === undefined ? {} : { statusMessage: this.statusMessage }),
      createdAt: this.createdAt,
      lastUpdatedAt: this.lastUpdatedAt,
      ttlMs: this.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
    };
  }

  /** The `DetailedTask` of tasks/get and `notifications/tasks`. */
  detailed(): JsonObject {
    const out: JsonObject = {
      taskId: this.taskId,
      status: this.status,
      createdAt: this.createdAt,
      lastUpdatedAt: this.lastUpdatedAt,
      ttlMs: this.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
    };
    if (this.statusMessage !== undefined) out.statusMessage = this.statusMessage;
    if (this.status === 'completed' && this.result) out.result = this.result;
    if (this.status === 'failed' && this.error) out.error = this.error;
    if (this.status === 'input_required') {
      const requests: Record<string, InputRequest> = {};
      for (const [key, p] of this.pending) requests[key] = p.request;
      out.inputRequests = requests;
    }
    return out;
  }
}

/** Where tasks live. In memory by default; the running handler is always in this process. */
export class TaskStore {
  readonly #tasks = new Map<string, TaskRecord>();
  readonly #max: number;
  onChange: ((task: TaskRecord) => void) | undefined;
  /** Replicas sharing tasks: where records and actions go (McpServerOptions.tasks.shared). */
  shared: SharedTaskStore | undefined;

  constructor(max = 10_000) {
    this.#max = max;
  }

  create(ttlMs: number, pollIntervalMs: number): TaskRecord {
    if (this.#tasks.size >= this.#max) this.#evict();
    const task = new TaskRecord(ttlMs, pollIntervalMs, (t) => this.onChange?.(t));
    this.#tasks.set(task.taskId, task);
    // The record stays readable for its whole TTL, counted from creation (SEP-2663).
    const timer = setTimeout(() => {
      task.controller.abort('task expired');
      this.#tasks.delete(task.taskId);
    }, ttlMs);
    (timer as { unref?: () => void }).unref?.();
    return task;
  }

  get(taskId: string): TaskRecord | undefined {
    return this.#tasks.get(taskId);
  }

  /** Drops the oldest terminal task, or the oldest task if none has ended. */
  #evict(): void {
    for (const [id, t] of this.#tasks) {
      if (t.terminal) {
        this.#tasks.delete(id);
        return;
      }
    }
    const oldest = this.#tasks.keys().next().value;
    if (oldest !== undefined) {
      this.#tasks.get(oldest)?.controller.abort('evicted');
      this.#tasks.delete(oldest);
    }
  }
}
