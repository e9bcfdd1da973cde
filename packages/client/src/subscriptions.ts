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

  /** The resource URIs currently subscribed. */
  get uris(): string[] {
    return [...this.#uris];
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
    const added = !this.#uris.has(uri);
    this.#uris.add(uri);
    try {
      await this.#reopen();
    } catch (error) {
      // Refused: later streams must not carry it (the server would refuse them too).
      if (added) this.#uris.delete(uri);
      throw error;
    }
  }

  async remove(uri: string): Promise<void> {
    if (!this.#uris.delete(uri)) return;
    if (this.#era === 'session') {
      await this.#send('resources/unsubscribe', { uri }, {});
      return;
    }
    try {
      await this.#reopen();
    } catch (error) {
      // The previous stream, which carries the URI, is still the one open.
      this.#uris.add(uri);
      throw error;
    }
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
    const filter: JsonObject = { ...this.#lists };
    if (this.#uris.size > 0) filter.resourceSubscriptions = [...this.#uris];
    if (Object.keys(filter).length === 0) {
      // Nothing left to listen for: a stream with an empty filter would only hold a connection open.
      previous?.abort('nothing left to listen for');
      this.#stream = undefined;
      return;
    }
    const controller = new AbortController();
    this.#stream = controller;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let refused: ((error: unknown) => void) | undefined;
    const acked = new Promise<void>((resolve, reject) => {
      this.#acked.push(resolve);
      refused = reject;
      timer = setTimeout(() => reject(new TimeoutError('subscriptions/listen was not acknowledged within 10 s')), 10_000);
    }).finally(() => clearTimeout(timer));
    // The listen request stays open until cancelled; it has no timeout of its own. An error answer (the
    // server refuses the filter) ends the wait at once.
    this.#send('subscriptions/listen', { notifications: filter }, { signal: controller.signal, timeoutMs: Infinity }).catch((error: unknown) => {
      if (!controller.signal.aborted) refused?.(error);
    });
    try {
      await acked;
    } catch (error) {
      // Refused or never acknowledged: cancel this stream and keep the previous one, which still works.
      controller.abort('subscription refused');
      if (this.#stream === controller) this.#stream = previous;
      throw error;
    }
    previous?.abort('subscription replaced');
  }

  stop(): void {
    this.#stream?.abort('client closing');
    this.#stream = undefined;
  }
}
