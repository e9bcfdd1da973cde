/**
 * A 2026-07-28 POST: header and `_meta` checks, then the request, answered as JSON or, when it emits
 * notifications first, as an SSE stream. `subscriptions/listen` always streams.
 * @module
 */
import {
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type LazyAbortController,
  type MessageInfo,
  ErrorCode,
  META_PROTOCOL_VERSION,
  ProtocolError,
} from '@mcpkit/protocol';
import type { ServerCore } from '../core.js';
import { type StatelessCall, type StatelessMeta, executeStateless, readStatelessMeta } from '../stateless/execute.js';
import { openListen } from '../stateless/listen.js';
import { checkMcpHeaders } from './mcp-headers.js';
import type { HttpRequestLike } from './request.js';
import { type HttpReply, emptyReply, jsonReply, refuse, rpcErrorReply, sseReply, statusForError } from './responses.js';
import { SseStream } from './sse.js';
import { runMiddleware } from '../middleware.js';

function errorOf(error: unknown, core: ServerCore, method: string): ProtocolError {
  if (error instanceof ProtocolError) return error;
  core.report(error, `${method} failed`);
  return new ProtocolError(ErrorCode.InternalError, 'Internal error');
}

/** Handles one stateless message. The request's cancellation fires when the client goes away. */
export async function statelessPost(
  core: ServerCore,
  message: JsonRpcMessage,
  request: HttpRequestLike,
  info: MessageInfo,
  keepAliveMs: number,
): Promise<HttpReply> {
  if (!('method' in message)) {
    return rpcErrorReply(400, null, { code: ErrorCode.InvalidRequest, message: 'Invalid request: clients send no responses in 2026-07-28' });
  }
  if (!('id' in message)) return emptyReply(202);
  const rpc = message as JsonRpcRequest;
  const params = rpc.params;
  let meta;
  try {
    const metaObj = params?._meta as JsonObject | undefined;
    if (typeof metaObj?.[META_PROTOCOL_VERSION] !== 'string') return rpcErrorReply(400, rpc.id, readError(core, params));
    const tool = rpc.method === 'tools/call' && typeof params?.name === 'string' ? core.tools.get(params.name) : undefined;
    const mismatch = checkMcpHeaders((name) => request.header(name), rpc.method, params, tool?.headerParams);
    if (mismatch) return rpcErrorReply(400, rpc.id, mismatch);
    meta = readStatelessMeta(core, params);
  } catch (error) {
    return rpcErrorReply(400, rpc.id, errorOf(error, core, rpc.method));
  }
  if (rpc.method === 'subscriptions/listen') {
    if (core.middleware.length === 0) return listen(core, rpc, request, keepAliveMs);
    return listenThroughMiddleware(core, rpc, request, info, meta.protocolVersion, keepAliveMs);
  }

  // `return await`: an async function returning another promise as is costs two more microtask turns.
  return await new StatelessReply(core, rpc, request.cancellation, info).start(meta);
}

/**
 * One stateless request and its reply: JSON when the result comes first, SSE from the first notification on
 * (the notifications, then the response). It is also the request's {@link StatelessCall}, `notify` being its
 * method, so a request makes this object and one promise rather than a closure per callback and a promise per
 * hop.
 */
class StatelessReply implements StatelessCall {
  readonly request: JsonRpcRequest;
  readonly cancellation: LazyAbortController;
  readonly info: MessageInfo;
  readonly #core: ServerCore;
  #sse: SseStream | undefined;
  #settle: ((reply: HttpReply) => void) | undefined;

  constructor(core: ServerCore, request: JsonRpcRequest, cancellation: LazyAbortController, info: MessageInfo) {
    this.#core = core;
    this.request = request;
    this.cancellation = cancellation;
    this.info = info;
  }

  /** Runs the request; resolves with the reply once its result or its first notification is known. */
  start(meta: StatelessMeta): Promise<HttpReply> {
    const reply = new Promise<HttpReply>((resolve) => {
      this.#settle = resolve;
    });
    executeStateless(this.#core, this, meta).then(
      (result) => this.#answer({ jsonrpc: '2.0', id: this.request.id, result }),
      (error: unknown) => this.#answer({ jsonrpc: '2.0', id: this.request.id, error: errorOf(error, this.#core, this.request.method).toJSON() }),
    );
    return reply;
  }

  notify(method: string, params: JsonObject): Promise<void> {
    try {
      let sse = this.#sse;
      if (sse === undefined) {
        sse = this.#sse = new SseStream();
        this.#settle!(sseReply(sse));
      }
      sse.send({ jsonrpc: '2.0', method, params });
    } catch (error) {
      return Promise.reject(error); // a failure is the promise's, as from an async function
    }
    return RESOLVED;
  }

  #answer(response: JsonRpcResponse): void {
    const sse = this.#sse;
    try {
      if (sse === undefined) return this.#settle!(jsonResponseReply(response));
      sse.send(response);
      sse.close();
    } catch (error) {
      // A result JSON cannot carry (a BigInt, a cycle): a 500, as any failure of the handler path, never a hang.
      this.#core.report(error, `${this.request.method} reply`);
      if (sse === undefined) this.#settle!(refuse(500, ErrorCode.InternalError, 'Internal error'));
      else sse.close();
    }
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

/** A response as a JSON reply, with the HTTP status its error calls for. */
function jsonResponseReply(response: JsonRpcResponse): HttpReply {
  if (!('error' in response)) return jsonReply(response, 200);
  // A refusal that says when to come back (rate limits) is a 429 with Retry-After where HTTP can say so.
  const retryAfterMs = (response.error.data as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  if (typeof retryAfterMs === 'number' && retryAfterMs >= 0) {
    return jsonReply(response, 429, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) });
  }
  return jsonReply(response, statusForError(response.error.code));
}

/**
 * Middleware sees a listen when it opens: it may refuse it or rewrite its params; `next()` resolves once the
 * stream is open (its notifications and final result go straight to the stream).
 */
async function listenThroughMiddleware(
  core: ServerCore,
  rpc: JsonRpcRequest,
  request: HttpRequestLike,
  info: MessageInfo,
  protocolVersion: string,
  keepAliveMs: number,
): Promise<HttpReply> {
  let reply: HttpReply | undefined;
  const entry = {
    method: rpc.method,
    params: rpc.params ?? {},
    era: 'stateless' as const,
    protocolVersion,
    requestId: rpc.id,
    sessionId: undefined,
    info,
    signal: () => request.cancellation.signal,
  };
  try {
    const result = await runMiddleware(core.middleware, entry, async (params) => {
      reply = listen(core, { ...rpc, params }, request, keepAliveMs);
      return {};
    });
    return reply ?? jsonReply({ jsonrpc: '2.0', id: rpc.id, result }, 200);
  } catch (error) {
    const e = errorOf(error, core, rpc.method);
    return rpcErrorReply(statusForError(e.code) === 200 ? 400 : statusForError(e.code), rpc.id, e);
  }
}

function readError(core: ServerCore, params: JsonObject | undefined): ProtocolError {
  try {
    readStatelessMeta(core, params);
  } catch (error) {
    if (error instanceof ProtocolError) return error;
  }
  return new ProtocolError(ErrorCode.InvalidParams, 'Invalid params: params._meta is required');
}

function listen(core: ServerCore, rpc: JsonRpcRequest, request: HttpRequestLike, keepAliveMs: number): HttpReply {
  let sub;
  const sse = new SseStream(keepAliveMs);
  try {
    sub = openListen(core, rpc.id, rpc.params ?? {}, readStatelessMeta(core, rpc.params).clientCapabilities, (n) => sse.send(n));
  } catch (error) {
    sse.close();
    const e = errorOf(error, core, rpc.method);
    return rpcErrorReply(statusForError(e.code) === 200 ? 400 : statusForError(e.code), rpc.id, e);
  }
  const s = sub;
  sse.send(s.acknowledgement);
  const graceful = () => {
    // Server-side end: the listen result, then close (spec 2026-07-28 basic/patterns/subscriptions).
    sse.send({ jsonrpc: '2.0', id: rpc.id, result: s.finalResult });
    sse.close();
  };
  sse.onclose = () => {
    s.close();
    core.closers.delete(graceful);
    core.drainers.delete(graceful);
  };
  request.cancellation.onAbort(() => sse.clientGone());
  core.closers.add(graceful);
  core.drainers.add(graceful);
  return sseReply(sse);
}
