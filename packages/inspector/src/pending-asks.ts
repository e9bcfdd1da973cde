/**
 * The server's questions (elicitation, sampling, roots) held open until the user answers them in the UI.
 * @module
 */
import { randomUUID } from 'node:crypto';
import { CancelledError, type JsonObject, ProtocolError } from '@mcpkit/protocol';
import type { EventHub } from './event-hub.js';
import type { PendingAsk } from './events.js';

interface Waiting {
  ask: PendingAsk;
  resolve: (answer: JsonObject) => void;
  reject: (error: Error) => void;
}

/** Open asks by id; each ends when answered, when the server cancels it, or when the connection closes. */
export class PendingAsks {
  readonly #hub: EventHub;
  #open = new Map<string, Waiting>();

  constructor(hub: EventHub) {
    this.#hub = hub;
  }

  /** Publishes the ask and waits for the user's answer. */
  wait(method: PendingAsk['method'], params: unknown, signal: AbortSignal): Promise<JsonObject> {
    const ask: PendingAsk = { id: randomUUID(), method, params };
    return new Promise<JsonObject>((resolve, reject) => {
      const done = () => signal.removeEventListener('abort', onAbort);
      const onAbort = () => this.#end(ask.id, 'cancelled')?.reject(new CancelledError(`the server withdrew its ${method}`));
      this.#open.set(ask.id, { ask, resolve: (a) => (done(), resolve(a)), reject: (e) => (done(), reject(e)) });
      signal.addEventListener('abort', onAbort, { once: true });
      this.#hub.publish({ type: 'ask', ask });
      if (signal.aborted) onAbort();
    });
  }

  /** The asks still waiting. */
  list(): PendingAsk[] {
    return [...this.#open.values()].map((w) => w.ask);
  }

  /** Hands the user's answer to the waiting handler; false when no such ask is open. */
  answer(id: string, answer: JsonObject): boolean {
    const waiting = this.#end(id, 'answered');
    waiting?.resolve(answer);
    return waiting !== undefined;
  }

  /**
   * Refuses the ask: the server gets a JSON-RPC error (-1, as the spec's sampling example uses for a user who
   * rejects); false when no such ask is open.
   */
  refuse(id: string, message: string): boolean {
    const waiting = this.#end(id, 'answered');
    waiting?.reject(new ProtocolError(-1, message));
    return waiting !== undefined;
  }

  /** Ends every open ask (the connection is gone). */
  cancelAll(): void {
    for (const id of [...this.#open.keys()]) this.#end(id, 'cancelled')?.reject(new CancelledError('the connection closed'));
  }

  #end(id: string, outcome: 'answered' | 'cancelled'): Waiting | undefined {
    const waiting = this.#open.get(id);
    if (!waiting) return undefined;
    this.#open.delete(id);
    this.#hub.publish({ type: 'ask-done', id, outcome });
    return waiting;
  }
}
