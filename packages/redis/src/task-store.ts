/**
 * Tasks (tasks extension) shared by replicas on Redis: each task's latest record in a key that expires with the
 * task, and tasks/update and tasks/cancel sent to the replica running it on a pub/sub channel.
 * @module
 */
import type { JsonObject, SharedTaskStore, TaskAction } from '@mcpkit/server';
import type { RedisClient } from './connect.js';
import { DEFAULT_PREFIX, type RedisKeyOptions, reportTo } from './options.js';

/** Longest task id looked up (ids come from clients). */
const MAX_TASK_ID = 256;

/**
 * Records at `PREFIX task:<taskId>` (JSON, expiring when the task's TTL ends), actions on `PREFIX task:action`.
 * @example
 * const tasks = new RedisTaskStore(redis, { prefix: 'myapp:' });
 * await tasks.listen(redis.duplicate());
 * const server = new McpServer(info, { tasks: { shared: tasks } });
 */
export class RedisTaskStore implements SharedTaskStore {
  readonly #redis: RedisClient;
  readonly #keys: string;
  readonly #channel: string;
  readonly #listeners = new Set<(taskId: string, action: TaskAction) => void>();
  readonly #report: (error: Error, what: string) => void;
  #stop: (() => Promise<void>) | undefined;

  constructor(redis: RedisClient, options: RedisKeyOptions = {}) {
    const prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#redis = redis;
    this.#keys = `${prefix}task:`;
    this.#channel = `${prefix}task:action`;
    this.#report = reportTo(options);
  }

  async save(task: JsonObject, expiresAtMs: number): Promise<void> {
    if (typeof task.taskId !== 'string' || expiresAtMs <= Date.now()) return;
    await this.#redis.set(this.#keys + task.taskId, JSON.stringify(task), { expiration: { type: 'PXAT', value: Math.ceil(expiresAtMs) } });
  }

  async load(taskId: string): Promise<JsonObject | undefined> {
    if (taskId.length === 0 || taskId.length > MAX_TASK_ID) return undefined;
    const text = await this.#redis.get(this.#keys + taskId);
    if (text === null || text === undefined) return undefined;
    try {
      const value = JSON.parse(String(text)) as unknown;
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
    } catch {
      // reported below
    }
    this.#report(new Error(`the record of task ${taskId} is not a JSON object; treated as unknown`), 'Redis task store');
    return undefined;
  }

  async act(taskId: string, action: TaskAction): Promise<void> {
    await this.#redis.publish(this.#channel, JSON.stringify({ t: taskId, a: action }));
  }

  onAction(listener: (taskId: string, action: TaskAction) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts hearing actions sent by every replica, on `subscriber` (see RedisSessionRevocations.listen). Idempotent. */
  async listen(subscriber: RedisClient): Promise<void> {
    if (this.#stop !== undefined) return;
    const onMessage = (text: string) => {
      let data: { t?: unknown; a?: { type?: unknown; inputResponses?: unknown } };
      try {
        data = JSON.parse(text) as typeof data;
      } catch {
        return this.#report(new Error('a message on the task channel is not JSON; ignored'), 'Redis task store');
      }
      const a = typeof data === 'object' && data !== null ? data.a : undefined;
      const valid =
        typeof data.t === 'string' &&
        typeof a === 'object' &&
        a !== null &&
        (a.type === 'cancel' || (a.type === 'update' && typeof a.inputResponses === 'object' && a.inputResponses !== null && !Array.isArray(a.inputResponses)));
      if (!valid) return this.#report(new Error('a message on the task channel is not a task action; ignored'), 'Redis task store');
      for (const listener of this.#listeners) listener(data.t as string, a as TaskAction);
    };
    await subscriber.subscribe(this.#channel, onMessage);
    this.#stop = async () => {
      if (subscriber.isOpen) await subscriber.unsubscribe(this.#channel, onMessage);
    };
  }

  /** Stops listening (the connections stay open: they belong to the caller). */
  async close(): Promise<void> {
    const stop = this.#stop;
    this.#stop = undefined;
    this.#listeners.clear();
    await stop?.();
  }
}
