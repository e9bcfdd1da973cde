/**
 * Resource subscriptions and change streams in either era: `resources/subscribe` in the session era, one
 * `subscriptions/listen` stream carrying the union of what is wanted in 2026-07-28 (reopened when it changes).
 * @module
 */
import { type JsonObject, TimeoutError } from '@mcpkit/protocol';
import type { CallOptions } from './client.js';

type Send = (method: string, params: JsonObject | undefined, options: CallOptions) => Promise<JsonObject>;

export class Subscriptions {
  readonly #era: 'session' | 'stateless';
  readonly #send: Send;
  readonly #uris = new Set<string>();
  #lists: JsonObject = {};
  #stream: AbortController | undefined;
  #acked: Array<() => void> = [];

  constructor(era: 'session' | 'stateless', send: Send) {
    this.#era = era;
    this.#send = send;
  }

  /** Called by the client for every `notifications/subscriptions/acknowledged`. */
  acknowledged(): void {
    const waiting = this.#acked;
    this.#acked = [];
    for (const w of waiting) w();
  }

  async add(uri: string): Promise<void> {
    if (this.#era === 'session') {
      await this.#send('resources/subscribe', { uri }, {});
      this.#uris.add(uri);
      return;
    }
    this.#uris.add(uri);
    await this.#reopen();
  }

  async remove(uri: string): Promise<void> {
    if (!this.#uris.delete(uri)) return;
    if (this.#era === 'session') await this.#send('resources/unsubscribe', { uri }, {});
    else await this.#reopen();
  }

  /** Stateless era: ask for list_changed notifications of every list the server can announce. */
  async listenForLists(serverCaps: JsonObject): Promise<void> {
    if (this.#era === 'session') return;
    const flag = (k: string) => (serverCaps[k] as { listChanged?: boolean } | undefined)?.listChanged === true;
    this.#lists = {
      ...(flag('tools') ? { toolsListChanged: true } : {}),
      ...(flag('prompts') ? { promptsListChanged: true } : {}),
      ...(flag('resources') ? { resourcesListChanged: true } : {}),
    };
    await this.#reopen();
  }

  /** Opens a listen stream with the current filter, then drops the previous one (no gap in delivery). */
  async #reopen(): Promise<void> {
    const previous = this.#stream;
    const controller = new AbortController();
    this.#stream = controller;
    const filter: JsonObject = { ...this.#lists };
    if (this.#uris.size > 0) filter.resourceSubscriptions = [...this.#uris];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const acked = new Promise<void>((resolve, reject) => {
      this.#acked.push(resolve);
      timer = setTimeout(() => reject(new TimeoutError('subscriptions/listen was not acknowledged within 10 s')), 10_000);
    }).finally(() => clearTimeout(timer));
    // The listen request stays open until cancelled; it has no timeout of its own.
    this.#send('subscriptions/listen', { notifications: filter }, { signal: controller.signal, timeoutMs: Infinity }).catch(() => undefined);
    await acked;
    previous?.abort('subscription replaced');
  }

  stop(): void {
    this.#stream?.abort('client closing');
    this.#stream = undefined;
  }
}
