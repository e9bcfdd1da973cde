/**
 * Streamable HTTP as a web-standard `(Request) => Promise<Response>` handler, serving both eras on one
 * endpoint: session era (initialize, `Mcp-Session-Id`, GET stream, DELETE, resumable SSE) and 2026-07-28
 * (stateless POST with `Mcp-*` header checks, `subscriptions/listen`).
 * @module
 */
import {
  type JsonObject,
  type JsonRpcMessage,
  type RequestId,
  ErrorCode,
  META_PROTOCOL_VERSION,
  ProtocolError,
  isSessionRevision,
  isStatelessRevision,
  parseJson,
  parseMessage,
  recoverId,
} from '@mcpkit/protocol';
import type { McpServer } from '../server.js';
import type { EventStore } from './event-store.js';
import { type HttpReply, emptyReply, refuse, rpcErrorReply } from './responses.js';
import { BodyTooLargeError, HttpMessageInfo, type HttpRequestLike, fromWebRequest } from './request.js';
import { toWebResponse } from './web-response.js';
import { LOOPBACK_HOSTS, type OriginPolicy, checkOrigin } from './security.js';
import type { StreamRelay } from './session-transport.js';
import { statelessPost } from './stateless-post.js';
import { type HttpAuthOptions, METADATA_PREFIX, authenticate, metadataReply } from './auth.js';
import type { Principal } from '../middleware.js';
import { type SessionSealOptions, SessionSealer } from './session-seal.js';
import { type LegacySseSessions, createLegacySseSessions } from './legacy-sse.js';
import { createSharedSessionState } from './shared-session-state.js';
import { type Live, createSessionRegistry, isLive } from './session-registry.js';

export interface HttpHandlerOptions {
  /** Hostnames accepted in `Host` (DNS-rebinding protection). Default: localhost, 127.0.0.1, [::1]. `false` accepts any. */
  allowedHosts?: readonly string[] | false;
  /** Extra origins accepted in `Origin` (an origin whose host is an allowed host is accepted). */
  allowedOrigins?: readonly string[];
  /** Largest accepted request body. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Serve the session era (initialize + Mcp-Session-Id). Default true. */
  sessions?: boolean;
  /** Idle time after which a session is closed. Default 30 minutes. */
  sessionIdleTtlMs?: number;
  /** Most sessions at once; more get 503. Default 100,000. */
  maxSessions?: number;
  /**
   * Enables resumable SSE (Last-Event-ID) in the session era. With `sealedSessions` whose `bus` and this store
   * are shared by every replica (e.g. `@mcpkit/redis`), a stream resumes on any replica.
   */
  eventStore?: EventStore;
  /** SSE keep-alive comment interval for long-lived streams. Default 25 s. */
  keepAliveMs?: number;
  /** The reconnection delay (`retry:`) suggested on resumable streams. Default 1 s. */
  retryMs?: number;
  /**
   * Authentication: every request needs credentials a verifier accepts (401/403 otherwise), handlers see the
   * principal as `ctx.principal`, and a session answers only the principal that opened it. The core also serves
   * the RFC 9728 metadata under `/.well-known/oauth-protected-resource`.
   */
  auth?: HttpAuthOptions;
  /**
   * Sealed session ids: every replica holding the same key can serve a session another replica opened (no
   * sticky sessions). A DELETE revokes the id through the sealer's revocations.
   */
  sealedSessions?: SessionSealer | SessionSealOptions;
  /**
   * Serve the deprecated HTTP+SSE transport (2024-11-05) on this endpoint too: a GET without Mcp-Session-Id
   * that asks for `text/event-stream` opens a legacy session, whose POSTs carry `?sessionId=`. Needs `sessions`.
   * Its sessions live on the replica holding the stream (not sealed). Default true.
   */
  legacySse?: boolean;
  /**
   * Also serve HTTP+SSE at this separate path (e.g. `/sse`, as the official SDK examples do), with its POSTs at
   * `legacyMessagesPath` (default `/messages`); requests there never reach Streamable HTTP. Off by default.
   */
  legacySsePath?: string;
  /** Where the POSTs of sessions opened at `legacySsePath` go. Default `/messages`. */
  legacyMessagesPath?: string;
}

/** The runtime-neutral core: adapters (web, node:http) feed it requests and write its replies. */
export interface McpHttpCore {
  handle(request: HttpRequestLike): Promise<HttpReply>;
  /** Ends long-lived waits (listen streams) gracefully, for a shutdown that lets calls in flight finish. */
  drain(): void;
  /** Closes every session and open stream. */
  close(): Promise<void>;
  /** Live session-era sessions (Streamable HTTP and HTTP+SSE). */
  readonly sessionCount: number;
}

/** The web-standard handler, plus what its owner needs to manage it. */
export interface McpHttpHandler {
  (request: Request): Promise<Response>;
  /** Closes every session and open stream. */
  close(): Promise<void>;
  /** Live session-era sessions (Streamable HTTP and HTTP+SSE). */
  readonly sessionCount: number;
  /** The runtime-neutral core, for adapters that skip web Request/Response objects. */
  readonly core: McpHttpCore;
}

function acceptOf(header: string | null): { sse: boolean; json: boolean } {
  if (header === null || header.trim() === '') return { sse: true, json: true };
  const h = header.toLowerCase();
  const any = h.includes('*/*');
  return { sse: any || h.includes('text/event-stream'), json: any || h.includes('application/json') };
}

/** The key that marks an SSE event relayed on the session bus (an answer is a JSON-RPC response instead). */
const RELAYED = 'mcpkitStream';

/** The relayed SSE event in a bus message, or undefined when it is something else (an answer). */
function relayedEvent(message: JsonObject): { stream: string; eventId: string | undefined; message: JsonRpcMessage } | undefined {
  const stream = message[RELAYED];
  if (typeof stream !== 'string') return undefined;
  const inner = message.message;
  const eventId = message.eventId;
  if (typeof inner !== 'object' || inner === null || Array.isArray(inner) || (eventId !== undefined && typeof eventId !== 'string')) return undefined;
  return { stream, eventId, message: inner as unknown as JsonRpcMessage };
}

/**
 * Era detection at the edge, once per message: a request carrying its protocol version in `_meta` is
 * stateless; so is one whose MCP-Protocol-Version header names no session-era revision (it then gets the
 * stateless era's precise errors). Everything else takes the session path.
 */
function wantsStateless(message: JsonRpcMessage, versionHeader: string | null): boolean {
  const meta = 'method' in message ? (message.params?._meta as JsonObject | undefined) : undefined;
  if (typeof meta === 'object' && meta !== null && META_PROTOCOL_VERSION in meta) return true;
  return versionHeader !== null && !isSessionRevision(versionHeader.trim());
}

/**
 * Creates the Streamable HTTP handler for a server, as a web-standard `(Request) => Promise<Response>`.
 * @example
 * const handler = createHttpHandler(server);
 * const response = await handler(new Request('http://127.0.0.1/mcp', { method: 'POST', body }));
 */
export function createHttpHandler(server: McpServer, options: HttpHandlerOptions = {}): McpHttpHandler {
  const core = createHttpCore(server, options);
  const handler = async (request: Request): Promise<Response> => toWebResponse(await core.handle(fromWebRequest(request)));
  return Object.defineProperties(handler, {
    close: { value: () => core.close() },
    sessionCount: { get: () => core.sessionCount },
    core: { value: core },
  }) as McpHttpHandler;
}

/** Creates the runtime-neutral core behind every HTTP adapter. */
export function createHttpCore(server: McpServer, options: HttpHandlerOptions = {}): McpHttpCore {
  const core = server.core;
  const policy: OriginPolicy = {
    allowedHosts: options.allowedHosts === false ? undefined : new Set((options.allowedHosts ?? LOOPBACK_HOSTS).map((h) => h.toLowerCase())),
    allowedOrigins: new Set(options.allowedOrigins ?? []),
  };
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const sessionsEnabled = options.sessions ?? true;
  const idleTtl = options.sessionIdleTtlMs ?? 30 * 60_000;
  const maxSessions = options.maxSessions ?? 100_000;
  const keepAliveMs = options.keepAliveMs ?? 25_000;
  const auth = options.auth;
  const sessions = new Map<string, Live>();
  const sealer = options.sealedSessions === undefined ? undefined : options.sealedSessions instanceof SessionSealer ? options.sealedSessions : new SessionSealer(options.sealedSessions);
  // Log level and subscriptions follow a sealed session to every replica (only with a bus and a state store).
  const shared = sealer?.bus !== undefined && sealer.state !== undefined ? createSharedSessionState(core, sessions, sealer.state, sealer.bus, sealer.relayStandalone) : undefined;
  // A DELETE on another replica: drop the live copy here too.
  const unsubscribe = sealer?.revocations.subscribe?.((id) => {
    const live = sessions.get(id);
    if (live === undefined) return;
    sessions.delete(id);
    void live.session.close();
  });
  // With a bus, this replica's requests to clients get ids no other replica uses, and answers it receives for
  // another replica's requests are passed on.
  const replicaTag = sealer?.bus === undefined ? undefined : `${crypto.randomUUID().slice(0, 8)}-`;
  const unlisten = sealer?.bus?.subscribe((sessionId, message) => {
    if (shared?.heard(sessionId, message)) return;
    const live = sessions.get(sessionId);
    if (live === undefined) return;
    const event = relayedEvent(message);
    if (event !== undefined) return live.transport.relayed(event.stream, event.eventId, event.message);
    const id = (message as { id?: RequestId }).id;
    if (id === undefined || !live.session.peer.isPending(id)) return;
    void live.transport.handlePost([message], [], { json: true, sse: false }, {});
  });
  // Events for streams the client holds (or will resume) on another replica travel on the same bus.
  const bus = sealer?.bus;
  const relay: StreamRelay | undefined = bus === undefined ? undefined : (sessionId, stream, eventId, message) => {
    const envelope: JsonObject = { [RELAYED]: stream, message: message as unknown as JsonObject };
    if (eventId !== undefined) envelope.eventId = eventId;
    bus.publish(sessionId, envelope).catch((error: unknown) => core.report(error, 'relaying an SSE event to the other replicas'));
  };
  const legacy: LegacySseSessions | undefined = sessionsEnabled && options.legacySse !== false
    ? createLegacySseSessions(server, { keepAliveMs, maxBodyBytes: maxBody, idleTtlMs: idleTtl, hasRoom: () => liveCount() < maxSessions, streamPath: options.legacySsePath, messagesPath: options.legacyMessagesPath })
    : undefined;
  const liveCount = (): number => sessions.size + (legacy?.size ?? 0);

  const { openSession, sessionFor, stopSweeping } = createSessionRegistry({
    server, options, sessions, sealer, shared, relay, replicaTag, keepAliveMs, idleTtl, maxSessions, liveCount,
  });

  const post = async (request: HttpRequestLike, principal: Principal | undefined): Promise<HttpReply> => {
    const type = request.header('content-type');
    if (type === null || !type.toLowerCase().startsWith('application/json')) {
      return refuse(415, ErrorCode.InvalidRequest, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const accept = acceptOf(request.header('accept'));
    if (!accept.json && !accept.sse) {
      return refuse(406, ErrorCode.InvalidRequest, 'Not Acceptable: Accept must include application/json and text/event-stream');
    }
    let text: string;
    try {
      text = await request.text(maxBody);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuse(413, ErrorCode.InvalidRequest, `Payload Too Large: the body exceeds ${maxBody} bytes`);
      return refuse(400, ErrorCode.ParseError, 'Parse error: the body could not be read');
    }
    let value: unknown;
    let message: JsonRpcMessage;
    try {
      value = parseJson(text);
      if (Array.isArray(value)) {
        return refuse(400, ErrorCode.InvalidRequest, 'Invalid request: JSON-RPC batches are not supported (removed in 2025-06-18)');
      }
      message = parseMessage(value);
    } catch (error) {
      const e = error as ProtocolError;
      return rpcErrorReply(400, e.code === ErrorCode.ParseError ? null : recoverId(value), e);
    }
    const info = new HttpMessageInfo(request, principal);
    const versionHeader = request.header('mcp-protocol-version');
    // `return await` here and below: an async function that returns another's promise takes two more microtask
    // turns than one that awaits it.
    if (wantsStateless(message, versionHeader)) return await statelessPost(core, message, request, info, keepAliveMs);
    if (!sessionsEnabled) {
      return rpcErrorReply(400, recoverId(value), new ProtocolError(ErrorCode.UnsupportedProtocolVersion, 'This endpoint serves only the stateless protocol', {
        supported: [...core.revisions].filter(isStatelessRevision),
        requested: versionHeader ?? 'unknown',
      }));
    }
    const isInit = 'method' in message && message.method === 'initialize';
    if (isInit) {
      if (request.header('mcp-session-id') !== null) {
        return refuse(400, ErrorCode.InvalidRequest, 'Bad Request: initialize must not carry an Mcp-Session-Id');
      }
      if (liveCount() >= maxSessions) return refuse(503, ErrorCode.InternalError, 'Service Unavailable: too many sessions');
      const params = (message as { params?: JsonObject }).params ?? {};
      const issuedAt = Date.now();
      const sealedId = sealer === undefined ? undefined : await sealer.seal({ initialize: params, principalId: principal?.id, issuedAt });
      const live = await openSession(principal, sealedId, undefined, issuedAt);
      return live.transport.handlePost([message], [(message as { id: RequestId }).id], accept, info);
    }
    const live = await sessionFor(request, principal);
    if (!isLive(live)) return live;
    const answered = (message as { id?: RequestId }).id;
    if (!('method' in message) && answered !== undefined && sealer?.bus !== undefined && !live.session.peer.isPending(answered)) {
      // An answer to a request another replica sent on this session: it waits there.
      await sealer.bus.publish(live.transport.sessionId, message as unknown as JsonObject);
      return emptyReply(202, live.transport.headers());
    }
    const ids = 'method' in message && 'id' in message ? [message.id] : [];
    return await live.transport.handlePost([message], ids, accept, info);
  };

  const reportVerifier = (e: unknown) => core.report(e, 'HTTP auth verifier');
  const handle = async (request: HttpRequestLike): Promise<HttpReply> => {
    const refusal = checkOrigin(policy, request.header('host'), request.header('origin'));
    if (refusal) return refuse(403, ErrorCode.InvalidRequest, `Forbidden: ${refusal}`);
    try {
      let principal: Principal | undefined;
      if (auth) {
        if (request.path?.startsWith(METADATA_PREFIX)) {
          return request.method === 'GET' ? metadataReply(auth, request) : emptyReply(405, { allow: 'GET' });
        }
        let outcome = authenticate(auth, request, reportVerifier);
        if (outcome instanceof Promise) outcome = await outcome;
        if (outcome !== undefined && 'status' in outcome) return outcome;
        principal = outcome;
      }
      const legacyReply = legacy?.route(request, principal);
      if (legacyReply !== undefined) return await legacyReply;
      switch (request.method) {
        case 'POST':
          return await post(request, principal);
        case 'GET': {
          if (!sessionsEnabled) return emptyReply(405, { allow: 'POST' });
          if (!acceptOf(request.header('accept')).sse) {
            return refuse(406, ErrorCode.InvalidRequest, 'Not Acceptable: GET needs Accept: text/event-stream');
          }
          const live = await sessionFor(request, principal);
          if (!isLive(live)) return live;
          return await live.transport.handleGet(request.header('last-event-id'));
        }
        case 'DELETE': {
          if (!sessionsEnabled) return emptyReply(405, { allow: 'POST' });
          const live = await sessionFor(request, principal);
          if (!isLive(live)) return live;
          const id = live.transport.sessionId;
          // Revoked before the answer: no replica may take the session over once the client was told it ended.
          // If revoking fails (say, Redis is down) the DELETE fails and the session stays whole: the client may retry.
          if (sealer !== undefined && SessionSealer.looksSealed(id)) await sealer.revocations.revoke(id, Date.now() + sealer.maxAgeMs);
          sessions.delete(id);
          await live.session.close();
          return emptyReply(200);
        }
        default:
          return emptyReply(405, { allow: sessionsEnabled ? 'GET, POST, DELETE' : 'POST' });
      }
    } catch (error) {
      core.report(error, 'HTTP handler');
      return refuse(500, ErrorCode.InternalError, 'Internal error');
    }
  };

  return {
    handle,
    drain() {
      for (const drainer of [...core.drainers]) drainer();
    },
    async close() {
      unsubscribe?.();
      unlisten?.();
      shared?.close();
      for (const closer of [...core.closers]) closer();
      const all = [...sessions.values()];
      sessions.clear();
      stopSweeping();
      await Promise.all([...all.map((l) => l.session.close()), legacy?.close()]);
    },
    get sessionCount() {
      return liveCount();
    },
  };
}
