/**
 * The JSON-RPC engine: one side of a connection. Correlates responses, times requests out, propagates
 * cancellation and progress both ways, and dispatches incoming requests to a handler.
 * @module
 */
import {
  CancelledError,
  ConnectionClosedError,
  ErrorCode,
  MessageTooLargeError,
  ProtocolError,
  type TimeoutError,
  TransportStateError,
} from '../errors.js';
import {
  copyObject,
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
  errorResponse,
  parseMessage,
  recoverId,
} from '../jsonrpc.js';
import type { MessageInfo, Transport } from '../transport.js';
import { PendingRequest, type Progress, type RequestOptions } from './outgoing.js';
import { InflightMap } from './inflight-map.js';
import { type IncomingRequestContext, RequestContext } from './incoming.js';

export type { IncomingRequestContext } from './incoming.js';

export type RequestHandler = (request: JsonRpcRequest, context: IncomingRequestContext) => Promise<JsonObject> | JsonObject;
export type NotificationHandler = (notification: JsonRpcNotification, info: MessageInfo | undefined) => void;

export interface PeerOptions {
  onRequest?: RequestHandler;
  onNotification?: NotificationHandler;
  /** Called for every error the engine cannot hand to a caller (bad input, a failed send). */
  onError?: (error: Error) => void;
  /**
   * Answer malformed input (parse errors, invalid messages) with error responses. Default true; a client
   * turns it off, since answering a server's stray stdout lines only adds noise.
   */
  replyToMalformed?: boolean;
  /** Turns a non-ProtocolError thrown by a handler into a wire error. Default: -32603 "Internal error". */
  toWireError?: (error: unknown) => ProtocolError;
  /**
   * Makes the ids of requests this side sends strings starting with this prefix (default: numbers from 0), so
   * that several processes serving one session never send the same id (an answer then finds its sender).
   */
  requestIdPrefix?: string;
}

function defaultWireError(): ProtocolError {
  return new ProtocolError(ErrorCode.InternalError, 'Internal error');
}

/**
 * One side of a JSON-RPC connection over a {@link Transport}.
 * @example
 * const peer = new Peer(transport, { onRequest: async (req) => ({}) });
 * await peer.start();
 * const result = await peer.request('ping', {});
 */
export class Peer {
  readonly transport: Transport;
  #options: PeerOptions;
  #nextId = 0;
  // InflightMaps, not Maps: see InflightMap for what per-request Map churn costs on a long-lived peer.
  #pending = new InflightMap<RequestId, PendingRequest>();
  #incoming = new InflightMap<RequestId, RequestContext>();
  #closed = false;
  #closeListeners: Array<() => void> = [];

  /** What a request's timeout does: one function for every request rather than a closure each. */
  readonly #timedOut = (p: PendingRequest, error: TimeoutError): void => {
    this.#settle(p.id);
    void this.#sendCancel(p.id, error.message, p.relatedRequestId);
    p.reject(error);
  };

  constructor(transport: Transport, options: PeerOptions = {}) {
    this.transport = transport;
    this.#options = options;
    transport.onmessage = (message, info) => this.receive(message, info);
    transport.onerror = (error) => this.#onTransportError(error);
    transport.onclose = () => this.#onClose();
    transport.oninputend = () => this.#onInputEnd();
  }

  get closed(): boolean {
    return this.#closed;
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  /** Whether a request this side sent with `id` still waits for its answer. */
  isPending(id: RequestId): boolean {
    return this.#pending.has(id);
  }

  /** Registers a listener for the end of the connection. */
  onClose(listener: () => void): void {
    this.#closeListeners.push(listener);
  }

  /**
   * Sends a request and resolves with its result.
   * @throws ProtocolError for an error response; TimeoutError `MCPKIT_TIMEOUT`; CancelledError `MCPKIT_CANCELLED`;
   *   ConnectionClosedError `MCPKIT_CONNECTION_CLOSED`.
   */
  request(method: string, params: JsonObject | undefined, options: RequestOptions = {}): Promise<JsonObject> {
    if (this.#closed) return Promise.reject(new ConnectionClosedError(`Cannot send ${method}: connection closed`));
    const signal = options.signal;
    const cancellation = options.cancellation;
    if (signal?.aborted) return Promise.reject(new CancelledError(`Request ${method} cancelled before it was sent`, { cause: signal.reason }));
    if (cancellation?.aborted) return Promise.reject(new CancelledError(`Request ${method} cancelled before it was sent`, { cause: cancellation.reason }));
    const n = this.#nextId++;
    const id: RequestId = this.#options.requestIdPrefix === undefined ? n : `${this.#options.requestIdPrefix}${n}`;
    let message: JsonRpcRequest;
    if (options.onProgress) {
      // copyObject, then stores: adding a key to a spread copy is V8 11's slow path (Node 20).
      const meta: JsonObject = copyObject(params?._meta as JsonObject | undefined);
      meta.progressToken = id;
      const withMeta: JsonObject = copyObject(params);
      withMeta._meta = meta;
      message = { jsonrpc: '2.0', id, method, params: withMeta };
    } else {
      message = params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
    }
    return new Promise<JsonObject>((resolve, reject) => {
      const pending = new PendingRequest(id, method, resolve, reject, options, this.#timedOut);
      if (signal || cancellation) {
        const onAbort = (reason: unknown) => {
          if (!this.#settle(id)) return;
          void this.#sendCancel(id, String(reason ?? 'cancelled'), options.relatedRequestId);
          reject(new CancelledError(`Request ${method} cancelled`, { cause: reason }));
        };
        const forget = cancellation?.onAbort(onAbort);
        const listener = signal ? () => onAbort(signal.reason) : undefined;
        if (signal) signal.addEventListener('abort', listener!, { once: true });
        pending.cleanup = () => {
          forget?.();
          if (signal) signal.removeEventListener('abort', listener!);
        };
      }
      this.#pending.set(id, pending);
      const failed = (error: unknown) => {
        if (this.#settle(id)) reject(error instanceof Error ? error : new TransportStateError(String(error)));
      };
      try {
        this.transport.send(message, { relatedRequestId: options.relatedRequestId }).catch(failed);
      } catch (error) {
        // A transport that throws instead of rejecting must not leave the request's timer behind.
        failed(error);
      }
    });
  }

  /** Sends a notification. */
  notify(method: string, params?: JsonObject, relatedRequestId?: RequestId): Promise<void> {
    if (this.#closed) return Promise.resolve();
    const message: JsonRpcNotification = params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
    return this.transport.send(message, { relatedRequestId });
  }

  /** Removes a pending request; false if it had already settled. */
  #settle(id: RequestId): boolean {
    const pending = this.#pending.get(id);
    if (!pending) return false;
    this.#pending.delete(id);
    pending.clearTimer();
    pending.cleanup?.();
    return true;
  }

  async #sendCancel(requestId: RequestId, reason: string, relatedRequestId: RequestId | undefined): Promise<void> {
    try {
      await this.notify('notifications/cancelled', { requestId, reason }, relatedRequestId);
    } catch (error) {
      this.#report(error);
    }
  }

  /** Feeds one decoded message into the engine (transports call this through `onmessage`). */
  receive(value: unknown, info?: MessageInfo): void {
    let message: JsonRpcMessage;
    try {
      message = parseMessage(value);
    } catch (error) {
      const wire = error as ProtocolError;
      this.#report(wire);
      if (this.#options.replyToMalformed === false) return;
      const id = recoverId(value);
      // Never answer something that might itself be a response: that could loop between two peers.
      const looksLikeResponse = typeof value === 'object' && value !== null && ('result' in value || 'error' in value);
      if (typeof value === 'object' && value !== null && 'method' in value) this.#sendSafe(errorResponse(id, wire.toJSON()));
      else if (id === null && !looksLikeResponse) this.#sendSafe(errorResponse(null, wire.toJSON()));
      return;
    }
    if ('method' in message) {
      if ('id' in message) this.#onRequest(message as JsonRpcRequest, info);
      else this.#onNotification(message, info);
    } else {
      this.#onResponse(message);
    }
  }

  #onResponse(message: JsonRpcResponse): void {
    const id = message.id;
    if (id === null || id === undefined) {
      this.#report(ProtocolError.fromWire((message as { error: { code: number; message: string } }).error));
      return;
    }
    const pending = this.#pending.get(id);
    if (!pending) return; // late answer to a cancelled or timed-out request: ignored (spec: cancellation)
    this.#settle(id);
    if ('result' in message) pending.resolve(message.result);
    else pending.reject(ProtocolError.fromWire(message.error));
  }

  #onNotification(message: JsonRpcNotification, info: MessageInfo | undefined): void {
    const params = message.params;
    if (message.method === 'notifications/cancelled') {
      const requestId = params?.requestId;
      if (typeof requestId === 'string' || typeof requestId === 'number') {
        this.#incoming.get(requestId)?.cancellation.abort(params?.reason ?? 'cancelled by peer');
      }
    } else if (message.method === 'notifications/progress') {
      const token = params?.progressToken;
      if ((typeof token === 'string' || typeof token === 'number') && typeof params?.progress === 'number') {
        this.#pending.get(token)?.progressed(params as unknown as Progress);
      }
    }
    try {
      this.#options.onNotification?.(message, info);
    } catch (error) {
      this.#report(error);
    }
  }

  #onRequest(message: JsonRpcRequest, info: MessageInfo | undefined): void {
    const handler = this.#options.onRequest;
    if (!handler) {
      this.#sendSafe(errorResponse(message.id, { code: ErrorCode.MethodNotFound, message: `Method not found: ${message.method}` }));
      return;
    }
    if (this.#incoming.has(message.id)) {
      this.#sendSafe(errorResponse(message.id, { code: ErrorCode.InvalidRequest, message: `Invalid request: id ${String(message.id)} is already in use` }), message.id);
      return;
    }
    const context = new RequestContext(this, message.id, info);
    this.#incoming.set(message.id, context);
    let outcome: Promise<JsonObject> | JsonObject;
    try {
      outcome = handler(message, context);
    } catch (error) {
      this.#finish(context, undefined, error);
      return;
    }
    if (outcome instanceof Promise) outcome.then((r) => this.#finish(context, r, undefined), (e: unknown) => this.#finish(context, undefined, e));
    else this.#finish(context, outcome, undefined);
  }

  #finish(context: RequestContext, result: JsonObject | undefined, error: unknown): void {
    const id = context.requestId;
    this.#incoming.delete(id);
    if (this.#draining && this.#incoming.size === 0) {
      this.#respond(context, result, error);
      void this.close();
      return;
    }
    this.#respond(context, result, error);
  }

  #respond(context: RequestContext, result: JsonObject | undefined, error: unknown): void {
    const id = context.requestId;
    // spec basic/utilities/cancellation: a cancelled request gets no response.
    if (context.cancellation.aborted || this.#closed) return;
    if (result !== undefined) {
      this.#sendSafe({ jsonrpc: '2.0', id, result }, id);
      return;
    }
    let wire: ProtocolError;
    if (error instanceof ProtocolError) wire = error;
    else {
      this.#report(error);
      wire = (this.#options.toWireError ?? defaultWireError)(error);
    }
    this.#sendSafe(errorResponse(id, wire.toJSON()), id);
  }

  /** Sends, reporting (never throwing) a failure: a response or an error reply nobody awaits. */
  #sendSafe(message: JsonRpcMessage, relatedRequestId?: RequestId): void {
    let sent: Promise<void>;
    try {
      sent = this.transport.send(message, relatedRequestId === undefined ? undefined : { relatedRequestId });
    } catch (error) {
      this.#report(error);
      return;
    }
    // A hand-written transport might return nothing instead of a promise.
    if (sent !== undefined) sent.then(undefined, this.#reportFailure);
  }

  readonly #reportFailure = (error: unknown): void => this.#report(error);


  #onTransportError(error: Error): void {
    if (this.#options.replyToMalformed === false) {
      this.#report(error);
      return;
    }
    if (error instanceof ProtocolError && error.code === ErrorCode.ParseError) {
      this.#sendSafe(errorResponse(null, error.toJSON()));
    } else if (error instanceof MessageTooLargeError) {
      // The message was dropped unread, so its id is unknown: say so without one.
      this.#sendSafe(errorResponse(null, { code: ErrorCode.InvalidRequest, message: `Invalid request: ${error.message}` }));
    }
    this.#report(error);
  }

  #report(error: unknown): void {
    const e = error instanceof Error ? error : new Error(String(error));
    try {
      this.#options.onError?.(e);
    } catch {
      // An error reporter that throws has nowhere left to report to.
    }
  }

  #draining = false;

  /** The peer stopped sending: answer what is in flight, then close. */
  #onInputEnd(): void {
    if (this.#closed || this.#draining) return;
    this.#draining = true;
    // Our own requests can never be answered now.
    for (const id of [...this.#pending.keys()]) {
      const pending = this.#pending.get(id)!;
      this.#settle(id);
      pending.reject(new ConnectionClosedError(`The peer stopped sending before ${pending.method} (id ${String(id)}) was answered`));
    }
    if (this.#incoming.size === 0) void this.close();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    const why = this.#pending.size === 0 ? undefined : this.transport.closeError;
    for (const id of [...this.#pending.keys()]) {
      const pending = this.#pending.get(id)!;
      this.#settle(id);
      const message = `Connection closed before ${pending.method} (id ${String(id)}) was answered`;
      pending.reject(why === undefined ? new ConnectionClosedError(message) : new ConnectionClosedError(`${message}: ${why.message}`, { cause: why }));
    }
    for (const context of this.#incoming.values()) context.cancellation.abort('connection closed');
    this.#incoming.clear();
    for (const listener of this.#closeListeners) listener();
  }

  /** Closes the transport; outstanding requests reject with `ConnectionClosedError`. */
  async close(): Promise<void> {
    await this.transport.close();
    this.#onClose();
  }
}
