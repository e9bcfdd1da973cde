/**
 * The Transport of one session-era HTTP session: routes each outgoing message to the POST stream of the
 * request it belongs to, or to the standalone GET stream; stores events for resumption when configured.
 * @module
 */
import {
  type JsonRpcMessage,
  type MessageInfo,
  type RequestId,
  type Transport,
  type TransportSendOptions,
  InflightMap,
  TransportStateError,
} from '@mcpkit/protocol';
import type { EventStore } from './event-store.js';
import { type HttpReply, emptyReply, jsonReply, refuse, sseReply } from './responses.js';
import { HttpMessageInfo } from './request.js';
import { ResumedSseStream, SseStream } from './sse.js';

function randomId(): string {
  return crypto.randomUUID().replace(/-/g, '');
}

/**
 * Passes an event of a stream this replica does not hold (the client is connected elsewhere, or will resume
 * there) to the other replicas; `eventId` is the id the event store gave it, if there is a store.
 */
export type StreamRelay = (sessionId: string, streamId: string, eventId: string | undefined, message: JsonRpcMessage) => void;

/**
 * The prefix of every stream id of a session: the same on every replica (derived from the session id), so a
 * replica taking the session over finds its standalone stream, and Last-Event-ID of another session's stream
 * resumes nothing here. FNV-1a twice (64 bits): not a secret, only a tag.
 */
function streamTag(sessionId: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < sessionId.length; i++) {
    const c = sessionId.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** The HTTP exchange of one POST that carried requests. */
class PostStream {
  #streamId: string | undefined;
  /** The ids of the requests this POST carried. */
  readonly ids: readonly RequestId[];
  /** Requests of this POST not answered yet (one POST carries one request since 2025-06-18). */
  #unanswered: number;
  sse: SseStream | undefined;
  #resolve: ((reply: HttpReply) => void) | undefined;
  readonly response: Promise<HttpReply>;
  readonly #transport: HttpSessionTransport;
  readonly #sseAllowed: boolean;
  readonly #jsonAllowed: boolean;

  constructor(transport: HttpSessionTransport, ids: RequestId[], accept: { sse: boolean; json: boolean }) {
    this.#transport = transport;
    this.ids = ids;
    this.#unanswered = ids.length;
    this.#sseAllowed = accept.sse;
    this.#jsonAllowed = accept.json;
    this.response = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  /** The id events of this POST are stored under: made on first use (only a resumable stream needs one). */
  get streamId(): string {
    return (this.#streamId ??= `${this.#transport.streamTag}-${randomId()}`);
  }

  /** Switches to SSE if needed, then ends the HTTP stream; later messages wait in the event store. */
  async closeStream(): Promise<void> {
    if (!this.#transport.eventStore || !this.#sseAllowed) return;
    if (!this.sse && this.#resolve) await this.#startSse();
    this.sse?.close();
  }

  async #startSse(): Promise<void> {
    this.sse = new SseStream();
    this.#settle(sseReply(this.sse, this.#transport.headers()));
    const store = this.#transport.eventStore;
    if (store) {
      const id = await this.#transport.storeEvent(this.streamId, primer);
      if (id !== undefined) this.sse.prime(id, this.#transport.retryMs);
    }
  }

  /**
   * Delivers messages one after another: the first may have to start the SSE stream (and storing an event is
   * async), and a message sent meanwhile must not overtake it.
   */
  deliver(message: JsonRpcMessage): Promise<void> {
    // The usual case, settled at once with no promise chain: the only answer of a POST that sent nothing else.
    if (this.#queue === undefined && this.#resolve && !this.sse && this.#jsonAllowed && this.#unanswered === 1 && this.#answers(message)) {
      this.#unanswered = 0;
      this.#settle(jsonReply(message, 200, this.#transport.headers()));
      this.#transport.finished(this);
      return DELIVERED;
    }
    const next = (this.#queue ?? DELIVERED).then(() => this.#deliver(message));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** The deliveries before the next one; undefined until a message took the slow path. */
  #queue: Promise<void> | undefined;

  /** Whether `message` is the response to one of this POST's requests. */
  #answers(message: JsonRpcMessage): boolean {
    return !('method' in message) && this.ids.includes((message as { id: RequestId }).id);
  }

  async #deliver(message: JsonRpcMessage): Promise<void> {
    const isResponse = this.#answers(message);
    if (isResponse) this.#unanswered--;
    const done = this.#unanswered <= 0;
    if (this.#resolve && !this.sse) {
      // Plain JSON when the answer is the first and only thing to send (DESIGN: SSE only when needed).
      if (isResponse && done && this.#jsonAllowed) {
        this.#settle(jsonReply(message, 200, this.#transport.headers()));
        this.#transport.finished(this);
        return;
      }
      if (!this.#sseAllowed) {
        // A JSON-only client cannot receive notifications; the final response still goes out as JSON.
        if (isResponse && done) {
          this.#settle(jsonReply(message, 200, this.#transport.headers()));
          this.#transport.finished(this);
        }
        return;
      }
      await this.#startSse();
    }
    // No await without a store: the default path stays as cheap as it was.
    const id = this.#transport.eventStore ? await this.#transport.storeEvent(this.streamId, message) : undefined;
    if (this.sse !== undefined && !this.sse.closed) this.sse.send(message, id);
    // The client left this replica's stream; it may be resuming on another one (only with a store: no resuming without).
    else if (id !== undefined) this.#transport.relay?.(this.#transport.sessionId, this.streamId, id, message);
    if (done) {
      this.sse?.close();
      this.#transport.finished(this);
    }
  }

  #settle(response: HttpReply): void {
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.(response);
  }

  /** Fails the POST when the session ends before an answer. */
  abort(response: HttpReply): void {
    this.#settle(response);
    this.sse?.close();
  }
}

/** What a delivery that finished at once returns (shared: nothing awaits anything on it). */
const DELIVERED: Promise<void> = Promise.resolve();

// An empty, never-replayed placeholder so priming events get an id in the store's sequence.
const primer = { jsonrpc: '2.0', method: 'notifications/mcpkit/prime' } as JsonRpcMessage;

export class HttpSessionTransport implements Transport {
  readonly sessionId: string;
  readonly eventStore: EventStore | undefined;
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  /** Negotiated revision, for the response headers; set after initialize. */
  protocolVersion: string | undefined;
  /** Request id → the POST that carries it (an InflightMap: see there on Map churn). */
  #byRequest = new InflightMap<RequestId, PostStream>();
  #standalone: SseStream | undefined;
  /** Streams of requests running on another replica, resumed here; fed by {@link relayed}. */
  readonly #remote = new Map<string, SseStream>();
  /** Every stream id of this session starts with it (see streamTag). */
  readonly streamTag: string;
  readonly #standaloneId: string;
  readonly relay: StreamRelay | undefined;
  readonly #relayStandalone: boolean;
  #closed = false;
  lastSeen = Date.now();
  readonly #keepAliveMs: number;
  /** The `retry:` hint sent with priming events. */
  readonly retryMs: number;

  constructor(eventStore: EventStore | undefined, keepAliveMs: number, retryMs = 1000, sessionId: string = crypto.randomUUID(), relay?: StreamRelay, relayStandalone = true) {
    this.retryMs = retryMs;
    this.sessionId = sessionId;
    this.streamTag = streamTag(sessionId);
    this.#standaloneId = `${this.streamTag}-get`;
    this.relay = relay;
    this.#relayStandalone = relayStandalone;
    this.eventStore = eventStore;
    this.#keepAliveMs = keepAliveMs;
  }

  /**
   * Stores an event, if there is a store. When storing fails (say, Redis is unreachable) the event still goes
   * out, without an id (so it cannot be resumed), and the failure is reported at most every 10 s: a stream
   * never stalls on its store.
   */
  async storeEvent(streamId: string, message: JsonRpcMessage): Promise<string | undefined> {
    const store = this.eventStore;
    if (store === undefined) return undefined;
    try {
      return await store.storeEvent(streamId, message);
    } catch (error) {
      const now = Date.now();
      if (now - this.#storeFailedAt >= 10_000) {
        this.#storeFailedAt = now;
        this.onerror?.(new Error(`the SSE event store failed; events go out without ids (not resumable): ${(error as Error).message}`, { cause: error }));
      }
      return undefined;
    }
  }

  #storeFailedAt = -Infinity;

  /** Whether a stream is open or a request is in flight. */
  get active(): boolean {
    return this.#byRequest.size > 0 || (this.#standalone !== undefined && !this.#standalone.closed) || this.#remote.size > 0;
  }

  headers(): Record<string, string> {
    return { 'mcp-session-id': this.sessionId };
  }

  async start(): Promise<void> {}

  /** Takes the messages of one POST; resolves with the HTTP response for it. */
  handlePost(messages: unknown[], requestIds: RequestId[], accept: { sse: boolean; json: boolean }, info: MessageInfo): Promise<HttpReply> {
    this.lastSeen = Date.now();
    let stream: PostStream | undefined;
    if (requestIds.length > 0) {
      stream = new PostStream(this, requestIds, accept);
      for (const id of requestIds) this.#byRequest.set(id, stream);
    }
    const s = stream;
    let withClose = info;
    if (s && this.eventStore) {
      const closeStream = () => void s.closeStream();
      // The handler's info is this request's own (its headers getter lives on the prototype: a spread would drop it).
      if (info instanceof HttpMessageInfo) info.closeStream = closeStream;
      else withClose = { ...info, closeStream };
    }
    for (const m of messages) this.onmessage?.(m, withClose);
    return stream ? stream.response : Promise.resolve(emptyReply(202, this.headers()));
  }

  finished(stream: PostStream): void {
    for (const id of stream.ids) if (this.#byRequest.get(id) === stream) this.#byRequest.delete(id);
  }

  /**
   * Opens the standalone stream, or resumes one with Last-Event-ID: the standalone stream, a POST stream of a
   * request running here, or (with a relay) one running on another replica, whose later events come through
   * {@link relayed}.
   */
  async handleGet(lastEventId: string | null): Promise<HttpReply> {
    this.lastSeen = Date.now();
    const store = this.eventStore;
    let streamId: string | undefined;
    if (lastEventId !== null && store) {
      const found = await store.streamIdOf(lastEventId);
      // Only this session's streams: another session's event id resumes nothing.
      if (found !== undefined && found.startsWith(`${this.streamTag}-`)) streamId = found;
    }
    if (streamId === undefined || streamId === this.#standaloneId) {
      if (this.#standalone && !this.#standalone.closed) {
        return refuse(409, -32600, 'Conflict: this session already has a standalone SSE stream', this.headers());
      }
      const sse = streamId === undefined ? new SseStream(this.#keepAliveMs) : new ResumedSseStream(this.#keepAliveMs);
      this.#standalone = sse;
      sse.onclose = () => {
        if (this.#standalone === sse) this.#standalone = undefined;
      };
      if (!store) {
        sse.comment('stream open');
        return sseReply(sse, this.headers());
      }
      if (sse instanceof ResumedSseStream) await this.#replay(sse, lastEventId!);
      const id = await this.storeEvent(this.#standaloneId, primer);
      if (id !== undefined) sse.prime(id, this.retryMs);
      else sse.comment('stream open');
      return sseReply(sse, this.headers());
    }
    const sse = new ResumedSseStream(this.#keepAliveMs);
    const post = [...this.#byRequest.values()].find((s) => s.streamId === streamId);
    if (post) {
      // Resume a POST stream: its remaining messages now flow here (held until the replay is out).
      post.sse?.close();
      post.sse = sse;
    } else if (this.relay) {
      const id = streamId;
      this.#remote.get(id)?.close();
      this.#remote.set(id, sse);
      sse.onclose = () => {
        if (this.#remote.get(id) === sse) this.#remote.delete(id);
      };
    }
    const answered = await this.#replay(sse, lastEventId!);
    // Nothing more can come: the request was answered, or it ran here and is over, or no relay brings more.
    if (answered || (!post && !this.relay)) sse.close();
    return sseReply(sse, this.headers());
  }

  /** Replays what followed `lastEventId`; resolves with whether that included a response (the stream's end). */
  async #replay(sse: ResumedSseStream, lastEventId: string): Promise<boolean> {
    let answered = false;
    try {
      await this.eventStore!.replayAfter(lastEventId, (id, message) => {
        if ((message as { method?: string }).method === (primer as { method?: string }).method) return;
        if (!('method' in message)) answered = true;
        sse.replay(id, message);
      });
    } catch (error) {
      sse.close();
      throw error;
    }
    sse.release();
    return answered;
  }

  /** An event another replica relayed for one of this session's streams held here. */
  relayed(streamId: string, eventId: string | undefined, message: JsonRpcMessage): void {
    if (streamId === this.#standaloneId) {
      if (this.#standalone && !this.#standalone.closed) this.#standalone.send(message, eventId);
      return;
    }
    const sse = this.#remote.get(streamId);
    if (sse === undefined) return;
    sse.send(message, eventId);
    // One request per POST (no batches since 2025-06-18): its response ends the stream.
    if (!('method' in message)) sse.close();
  }

  send(message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> {
    if (this.#closed) return Promise.reject(new TransportStateError('HTTP session is closed'));
    const routeId = 'method' in message ? options?.relatedRequestId : (message as { id: RequestId }).id;
    const stream = routeId === undefined ? undefined : this.#byRequest.get(routeId);
    // Not an async function: the answer to a POST is delivered without a promise of its own.
    if (stream) return stream.deliver(message);
    return this.#sendStandalone(message);
  }

  /** A message unrelated to an open POST: the standalone stream (spec: server-initiated messages go on GET). */
  async #sendStandalone(message: JsonRpcMessage): Promise<void> {
    const id = this.eventStore ? await this.storeEvent(this.#standaloneId, message) : undefined;
    if (this.#standalone && !this.#standalone.closed) this.#standalone.send(message, id);
    // No GET stream here: the client may hold it on another replica.
    else if (this.#relayStandalone) this.relay?.(this.sessionId, this.#standaloneId, id, message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stream of new Set(this.#byRequest.values())) {
      stream.abort(refuse(404, -32603, 'Session closed before the request was answered'));
    }
    this.#byRequest.clear();
    this.#standalone?.close();
    for (const sse of this.#remote.values()) sse.close();
    this.#remote.clear();
    this.onclose?.();
  }
}
