/**
 * Incoming request context: what a request handler gets besides the request (its id, cancellation, and
 * notifications and requests sent on its behalf).
 * @module
 */
import type { JsonObject, RequestId } from '../jsonrpc.js';
import type { MessageInfo } from '../transport.js';
import { LazyAbortController } from '../abort.js';
import type { RequestOptions } from './outgoing.js';
import type { Peer } from './peer.js';

/** What a request handler gets besides the request. */
export interface IncomingRequestContext {
  readonly requestId: RequestId;
  /** Aborted when the peer cancels the request or the connection closes. */
  readonly signal: AbortSignal;
  /** The same, as a lazily created controller (no AbortSignal is made unless someone reads `signal`). */
  readonly cancellation: LazyAbortController;
  readonly info: MessageInfo | undefined;
  /** Sends a notification tied to this request. */
  notify(method: string, params?: JsonObject): Promise<void>;
  /** Sends a request to the peer on behalf of this one. */
  request(method: string, params: JsonObject | undefined, options?: RequestOptions): Promise<JsonObject>;
}

/** The {@link IncomingRequestContext} the peer makes for each incoming request. */
export class RequestContext implements IncomingRequestContext {
  readonly requestId: RequestId;
  readonly info: MessageInfo | undefined;
  readonly cancellation = new LazyAbortController();
  readonly #peer: Peer;

  constructor(peer: Peer, requestId: RequestId, info: MessageInfo | undefined) {
    this.#peer = peer;
    this.requestId = requestId;
    this.info = info;
  }
  get signal(): AbortSignal {
    return this.cancellation.signal;
  }
  notify(method: string, params?: JsonObject): Promise<void> {
    return this.#peer.notify(method, params, this.requestId);
  }
  request(method: string, params: JsonObject | undefined, options: RequestOptions = {}): Promise<JsonObject> {
    return this.#peer.request(method, params, { ...options, relatedRequestId: this.requestId });
  }
}
