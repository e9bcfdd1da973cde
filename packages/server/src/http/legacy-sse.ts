/**
 * The deprecated HTTP+SSE transport (spec 2024-11-05 basic/transports#http-with-sse) beside Streamable HTTP:
 * a GET opens a session whose every server message flows on that one stream; its first event, `endpoint`,
 * names the URL (`?sessionId=…`) the client POSTs its messages to, each answered 202.
 * @module
 */
import {
  type JsonObject,
  type JsonRpcMessage,
  type MessageInfo,
  type RequestId,
  type Transport,
  ErrorCode,
  META_PROTOCOL_VERSION,
  ProtocolError,
  TransportStateError,
  errorResponse,
  isKnownRevision,
  isSessionRevision,
  parseJson,
  parseMessage,
  recoverId,
} from '@mcpkit/protocol';
import type { McpServer } from '../server.js';
import type { ServerSession } from '../session/session.js';
import type { Principal } from '../middleware.js';
import { BodyTooLargeError, HttpMessageInfo, type HttpRequestLike } from './request.js';
import { type HttpReply, emptyReply, refuse, rpcErrorReply, sseReply } from './responses.js';
import { SseStream } from './sse.js';

/** The ids this module issues (crypto.randomUUID); anything else in `sessionId` is malformed. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A request target whose query has a `sessionId` parameter. */
const LEGACY_QUERY = /[?&]sessionId=/;

/** The Transport of one legacy session: the stream is the connection, so its end is the session's end. */
export class LegacySseTransport implements Transport {
  readonly sessionId: string = crypto.randomUUID();
  readonly stream: SseStream;
  onmessage?: ((message: unknown, info?: MessageInfo) => void) | undefined;
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  readonly openedAt = Date.now();
  #closed = false;

  constructor(keepAliveMs: number) {
    this.stream = new SseStream(keepAliveMs);
    this.stream.onclose = () => void this.close();
  }

  async start(): Promise<void> {}

  /** One message the client POSTed. */
  receive(message: JsonRpcMessage, info: MessageInfo): void {
    this.onmessage?.(message, info);
  }

  /** Every server message (answers, notifications, requests) goes out as a `message` event. */
  async send(message: JsonRpcMessage): Promise<void> {
    if (this.#closed) throw new TransportStateError('HTTP+SSE session is closed');
    this.stream.send(message);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stream.close();
    this.onclose?.();
  }
}

interface LegacyLive {
  transport: LegacySseTransport;
  session: ServerSession;
  principalId: string | undefined;
}

/** What the HTTP core tells the legacy sessions. */
export interface LegacySseConfig {
  keepAliveMs: number;
  maxBodyBytes: number;
  idleTtlMs: number;
  /** Whether one more session fits (the limit counts both transports' sessions). */
  hasRoom: () => boolean;
  /** A separate stream path (e.g. `/sse`) serving only this transport. */
  streamPath?: string | undefined;
  /** The path the separate stream's `endpoint` event names. Default `/messages`. */
  messagesPath?: string | undefined;
}

/** The legacy sessions of one HTTP core. */
export interface LegacySseSessions {
  readonly size: number;
  /**
   * The reply for a request that belongs to this transport, or undefined for any other. Routing looks only at
   * the method, the target and one header, so Streamable HTTP requests pay nothing else for it.
   */
  route(request: HttpRequestLike, principal: Principal | undefined): Promise<HttpReply> | undefined;
  close(): Promise<void>;
}

function pathnameOf(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

/** The revision a request names in `_meta`: such a request belongs to the stateless era, not to a session. */
function statelessVersionOf(message: JsonRpcMessage): unknown {
  if (!('method' in message) || !('id' in message)) return undefined;
  const meta = message.params?._meta as JsonObject | undefined;
  return typeof meta === 'object' && meta !== null ? meta[META_PROTOCOL_VERSION] : undefined;
}

/** Creates the legacy sessions an HTTP core serves besides its Streamable HTTP ones. */
export function createLegacySseSessions(server: McpServer, config: LegacySseConfig): LegacySseSessions {
  const core = server.core;
  const sessions = new Map<string, LegacyLive>();
  const paths = config.streamPath === undefined ? undefined : { stream: config.streamPath, messages: config.messagesPath ?? '/messages' };
  const sessionRevisions = [...core.revisions].filter(isSessionRevision);
  let sweeper: ReturnType<typeof setInterval> | undefined;

  // An open stream keeps a session in use, as a Streamable HTTP GET stream does; the idle TTL closes streams
  // that never initialized, so a bare GET cannot hold a session slot for ever.
  const sweep = () => {
    const cutoff = Date.now() - config.idleTtlMs;
    for (const live of sessions.values()) {
      if (!live.session.initialized && live.transport.openedAt < cutoff) void live.session.close();
    }
    if (sessions.size === 0 && sweeper !== undefined) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const open = async (request: HttpRequestLike, principal: Principal | undefined): Promise<HttpReply> => {
    if (!config.hasRoom()) return refuse(503, ErrorCode.InternalError, 'Service Unavailable: too many sessions');
    const transport = new LegacySseTransport(config.keepAliveMs);
    const session = await server.connect(transport);
    // The client left while the session was set up: the adapter will never report it gone, so end it here.
    if (request.cancellation.aborted) {
      await session.close();
      return sseReply(transport.stream);
    }
    const id = transport.sessionId;
    sessions.set(id, { transport, session, principalId: principal?.id });
    session.peer.onClose(() => sessions.delete(id));
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, Math.max(1000, Math.min(config.idleTtlMs / 2, 60_000)));
      (sweeper as { unref?: () => void }).unref?.();
    }
    // A relative URL (an absolute path), as the official servers send; the client resolves it against the
    // stream's URL and refuses another origin. The GET's own query parameters are kept.
    const target = request.path ?? '';
    const q = target.indexOf('?');
    const query = new URLSearchParams(q < 0 ? '' : target.slice(q + 1));
    query.delete('sessionId');
    query.append('sessionId', id);
    // An adapter that does not know the path gets a query-only reference: the stream's own URL.
    const pathname = pathnameOf(target);
    const endpoint = paths !== undefined && pathname === paths.stream ? paths.messages : pathname;
    transport.stream.event('endpoint', `${endpoint}?${query.toString()}`);
    return sseReply(transport.stream);
  };

  const post = async (request: HttpRequestLike, principal: Principal | undefined): Promise<HttpReply> => {
    const target = request.path ?? '';
    const q = target.indexOf('?');
    const id = q < 0 ? null : new URLSearchParams(target.slice(q + 1)).get('sessionId');
    if (id === null) return refuse(400, ErrorCode.InvalidRequest, 'Bad Request: the sessionId query parameter is required');
    if (!SESSION_ID.test(id)) return refuse(400, ErrorCode.InvalidRequest, 'Bad Request: malformed sessionId');
    const live = sessions.get(id);
    // Another principal presenting this id learns nothing: the same 404 as for an id that never existed.
    if (live === undefined || live.principalId !== principal?.id) {
      return refuse(404, ErrorCode.InvalidRequest, 'Session not found: it ended or never existed; open a new event stream');
    }
    const type = request.header('content-type');
    if (type === null || !type.toLowerCase().startsWith('application/json')) {
      return refuse(415, ErrorCode.InvalidRequest, 'Unsupported Media Type: Content-Type must be application/json');
    }
    const version = request.header('mcp-protocol-version');
    if (version !== null && !isKnownRevision(version.trim())) {
      return refuse(400, ErrorCode.InvalidRequest, `Bad Request: unsupported MCP-Protocol-Version ${version}`);
    }
    let text: string;
    try {
      text = await request.text(config.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLargeError) return refuse(413, ErrorCode.InvalidRequest, `Payload Too Large: the body exceeds ${config.maxBodyBytes} bytes`);
      return refuse(400, ErrorCode.ParseError, 'Parse error: the body could not be read');
    }
    let value: unknown;
    let messages: JsonRpcMessage[];
    try {
      value = parseJson(text);
      // JSON-RPC 2.0 batches are part of 2024-11-05 (they were removed in 2025-06-18).
      if (Array.isArray(value)) {
        if (value.length === 0) throw new ProtocolError(ErrorCode.InvalidRequest, 'Invalid request: empty batch');
        messages = value.map((m) => parseMessage(m));
      } else {
        messages = [parseMessage(value)];
      }
    } catch (error) {
      const e = error as ProtocolError;
      return rpcErrorReply(400, e.code === ErrorCode.ParseError || Array.isArray(value) ? null : recoverId(value), e);
    }
    const info = new HttpMessageInfo(request, principal);
    for (const message of messages) {
      const stateless = statelessVersionOf(message);
      if (stateless !== undefined) {
        // The stateless era (2026-07-28) needs Streamable HTTP; telling the client which revisions this transport
        // serves makes a modern client fall back to initialize (spec 2026-07-28 basic/versioning).
        const refusal = new ProtocolError(ErrorCode.UnsupportedProtocolVersion, 'The HTTP+SSE transport serves only the session era; send initialize', {
          supported: sessionRevisions,
          requested: String(stateless),
        });
        live.transport.stream.send(errorResponse((message as { id: RequestId }).id, refusal.toJSON()));
        continue;
      }
      live.transport.receive(message, info);
    }
    return emptyReply(202);
  };

  const route = (request: HttpRequestLike, principal: Principal | undefined): Promise<HttpReply> | undefined => {
    const method = request.method;
    if (paths !== undefined && request.path !== undefined) {
      // The separate paths serve only this transport.
      const pathname = pathnameOf(request.path);
      if (pathname === paths.stream) return method === 'GET' ? open(request, principal) : Promise.resolve(emptyReply(405, { allow: 'GET' }));
      if (pathname === paths.messages) return method === 'POST' ? post(request, principal) : Promise.resolve(emptyReply(405, { allow: 'POST' }));
    }
    if (method === 'POST') {
      // A Streamable HTTP POST never has `sessionId` in its query, and one with Mcp-Session-Id stays Streamable.
      const path = request.path;
      if (path === undefined || !path.includes('sessionId=') || !LEGACY_QUERY.test(path) || request.header('mcp-session-id') !== null) return undefined;
      return post(request, principal);
    }
    if (method === 'GET') {
      // A Streamable HTTP GET always carries Mcp-Session-Id; a legacy one never does, and asks for SSE by name.
      if (request.header('mcp-session-id') !== null || !(request.header('accept')?.toLowerCase().includes('text/event-stream') ?? false)) return undefined;
      return open(request, principal);
    }
    return undefined;
  };

  return {
    get size() {
      return sessions.size;
    },
    route,
    async close() {
      const all = [...sessions.values()];
      sessions.clear();
      if (sweeper !== undefined) clearInterval(sweeper);
      sweeper = undefined;
      await Promise.all(all.map((l) => l.session.close()));
    },
  };
}
