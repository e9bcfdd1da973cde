/**
 * The Transport contract every MCP transport implements, and an in-memory pair for tests and embedding.
 * @module
 */
import type { JsonRpcMessage, RequestId } from './jsonrpc.js';
import { TransportStateError } from './errors.js';

/** Where an outgoing message belongs, so a multiplexing transport (HTTP) can route it. */
export interface TransportSendOptions {
  /** The incoming request this message answers or belongs to. */
  relatedRequestId?: RequestId | undefined;
}

/** What a transport knows about an incoming message beyond its body. */
export interface MessageInfo {
  /** HTTP request headers, lower-cased, when the message came over HTTP. */
  headers?: Readonly<Record<string, string>>;
  /** Verified credentials, when an auth layer ran. */
  authInfo?: unknown;
  /**
   * Ends the HTTP SSE stream carrying this request without ending the request (session era with an event
   * store): the client reconnects with Last-Event-ID and receives what it missed (SSE polling, SEP-1699).
   */
  closeStream?: () => void;
}

/**
 * A bidirectional channel of JSON-RPC messages. Incoming values are handed over decoded but unchecked
 * (`unknown`): the engine checks them and answers malformed ones. A transport that cannot decode input
 * reports a `ProtocolError` (-32700) through `onerror`.
 */
export interface Transport {
  start(): Promise<void>;
  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void>;
  close(): Promise<void>;
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  /**
   * The peer will send nothing more (stdin ended) but may still read: the engine finishes what is in flight,
   * then closes. Transports without half-close never call it.
   */
  oninputend?: (() => void) | undefined;
  /** The session id, for transports that have sessions. */
  readonly sessionId?: string | undefined;
  /**
   * Why the connection ended, when the transport knows more than that it closed (a server process's exit code
   * and stderr tail). Read once, when `onclose` fires: requests still outstanding name it and carry it as cause.
   */
  readonly closeError?: Error | undefined;
}

/**
 * One end of an in-memory transport pair. Messages are delivered asynchronously (a microtask later) and
 * are structured-cloned, so neither side can mutate what the other holds.
 * @example
 * const [a, b] = InMemoryTransport.pair();
 */
export class InMemoryTransport implements Transport {
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  #peer: InMemoryTransport | undefined;
  #queue: unknown[] = [];
  #started = false;
  #closed = false;

  /** Two connected ends. */
  static pair(): [InMemoryTransport, InMemoryTransport] {
    const a = new InMemoryTransport();
    const b = new InMemoryTransport();
    a.#peer = b;
    b.#peer = a;
    return [a, b];
  }

  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    const queued = this.#queue;
    this.#queue = [];
    for (const m of queued) this.onmessage?.(m);
  }

  async send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed) throw new TransportStateError('in-memory transport is closed');
    const peer = this.#peer;
    if (!peer || peer.#closed) throw new TransportStateError('in-memory peer is closed');
    const copy = structuredClone(message);
    queueMicrotask(() => peer.#deliver(copy));
  }

  #deliver(message: unknown): void {
    if (this.#closed) return;
    if (!this.#started) this.#queue.push(message);
    else this.onmessage?.(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.onclose?.();
    const peer = this.#peer;
    if (peer && !peer.#closed) await peer.close();
  }
}
