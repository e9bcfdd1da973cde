/**
 * The HTTP core's live session-era sessions: opening one, sweeping idle ones, taking over a sealed session
 * opened on another replica, and finding the session a request names.
 * @module
 */
import { type JsonObject, ErrorCode, isKnownRevision } from '@mcpkit/protocol';
import type { McpServer } from '../server.js';
import type { ServerSession } from '../session/session.js';
import type { Principal } from '../middleware.js';
import type { EventStore } from './event-store.js';
import { type HttpReply, refuse } from './responses.js';
import type { HttpRequestLike } from './request.js';
import { HttpSessionTransport, type StreamRelay } from './session-transport.js';
import { SessionSealer } from './session-seal.js';
import type { SharedSessionState } from './shared-session-state.js';

/** A live session as the HTTP core holds it. */
export interface Live {
  transport: HttpSessionTransport;
  session: ServerSession;
  /** The principal that opened the session; only it may use the session. */
  principalId: string | undefined;
}

/** What the registry shares with the HTTP core, handed over once when the core is created. */
export interface SessionRegistryState {
  readonly server: McpServer;
  /** The handler's options, read where the registry needs them. */
  readonly options: { readonly eventStore?: EventStore | undefined; readonly retryMs?: number | undefined };
  /** The live sessions by id; the core reads them too (bus, revocations, DELETE, close). */
  readonly sessions: Map<string, Live>;
  readonly sealer: SessionSealer | undefined;
  readonly shared: SharedSessionState | undefined;
  readonly relay: StreamRelay | undefined;
  readonly replicaTag: string | undefined;
  readonly keepAliveMs: number;
  readonly idleTtl: number;
  readonly maxSessions: number;
  /** Live sessions of both transports (Streamable HTTP and HTTP+SSE). */
  readonly liveCount: () => number;
}

/** What the HTTP core calls to open and find sessions. */
export interface SessionRegistry {
  /** Opens a session (a new one, or a sealed one taken over with its `initialize` params) and registers it. */
  openSession(principal: Principal | undefined, sessionId?: string, restore?: JsonObject, issuedAt?: number): Promise<Live>;
  /** The session a request's `Mcp-Session-Id` names (taking a sealed one over), or the refusal to send. */
  sessionFor(request: HttpRequestLike, principal: Principal | undefined): Promise<Live | HttpReply>;
  /** Stops the idle sweep (the core is closing). */
  stopSweeping(): void;
}

/** Whether `sessionFor` found a session rather than a refusal. */
export const isLive = (v: Live | HttpReply): v is Live => 'session' in v;

/** Creates the session registry behind one HTTP core. */
export function createSessionRegistry(state: SessionRegistryState): SessionRegistry {
  const { server, options, sessions, sealer, shared, relay, replicaTag, keepAliveMs, idleTtl, maxSessions, liveCount } = state;
  const core = server.core;
  /** Sealed sessions being taken over, so concurrent requests for one id make one session. */
  const restoring = new Map<string, Promise<Live | undefined>>();
  let sweeper: ReturnType<typeof setInterval> | undefined;

  const sweep = () => {
    const cutoff = Date.now() - idleTtl;
    for (const [id, live] of sessions) {
      // A session with an open stream or a request in flight is in use, however old its last POST.
      if (live.transport.lastSeen < cutoff && !live.transport.active) {
        sessions.delete(id);
        void live.session.close();
      }
    }
    if (sessions.size === 0 && sweeper !== undefined) {
      clearInterval(sweeper);
      sweeper = undefined;
    }
  };

  const openSession = async (principal: Principal | undefined, sessionId?: string, restore?: JsonObject, issuedAt?: number): Promise<Live> => {
    const transport = new HttpSessionTransport(options.eventStore, keepAliveMs, options.retryMs, sessionId, relay, sealer?.relayStandalone);
    const session = await server.connect(transport, replicaTag === undefined ? undefined : { requestIdPrefix: replicaTag });
    if (restore !== undefined) {
      try {
        session.restore(restore);
      } catch (error) {
        await session.close();
        throw error;
      }
    }
    if (shared !== undefined && sessionId !== undefined && issuedAt !== undefined) shared.attach(sessionId, session, issuedAt + sealer!.maxAgeMs);
    const live = { transport, session, principalId: principal?.id };
    sessions.set(transport.sessionId, live);
    session.peer.onClose(() => sessions.delete(transport.sessionId));
    if (sweeper === undefined) {
      sweeper = setInterval(sweep, Math.max(1000, Math.min(idleTtl / 2, 60_000)));
      (sweeper as { unref?: () => void }).unref?.();
    }
    return live;
  };

  /** Takes over a sealed session opened elsewhere (or swept here while idle); undefined when it cannot be. */
  const restoreSealed = async (id: string, principal: Principal | undefined): Promise<Live | undefined> => {
    if (sealer === undefined || !SessionSealer.looksSealed(id)) return undefined;
    const state = await sealer.open(id);
    if (state === undefined || state.principalId !== principal?.id) return undefined;
    const take = async (): Promise<Live | undefined> => {
      if (await sealer.revocations.isRevoked(id)) return undefined;
      const raced = sessions.get(id);
      if (raced !== undefined) return raced;
      if (liveCount() >= maxSessions) return undefined;
      try {
        return await openSession(principal, id, state.initialize, state.issuedAt);
      } catch (error) {
        core.report(error, 'restoring a sealed session');
        return undefined;
      }
    };
    // With shared state, its one read runs beside the revocation check.
    return shared === undefined ? take() : shared.restore(id, take);
  };

  const sessionFor = async (request: HttpRequestLike, principal: Principal | undefined): Promise<Live | HttpReply> => {
    const id = request.header('mcp-session-id');
    if (id === null) return refuse(400, ErrorCode.InvalidRequest, 'Bad Request: Mcp-Session-Id header is required');
    let live = sessions.get(id);
    if (live === undefined && sealer !== undefined) {
      let pending = restoring.get(id);
      if (pending === undefined) {
        pending = restoreSealed(id, principal).finally(() => restoring.delete(id));
        restoring.set(id, pending);
      }
      live = await pending;
    }
    // Another principal presenting this id learns nothing: the same 404 as for an id that never existed.
    if (!live || live.principalId !== principal?.id) return refuse(404, ErrorCode.InvalidRequest, 'Session not found: it expired or never existed; initialize again');
    const version = request.header('mcp-protocol-version');
    if (version !== null && !isKnownRevision(version.trim())) {
      return refuse(400, ErrorCode.InvalidRequest, `Bad Request: unsupported MCP-Protocol-Version ${version}`);
    }
    return live;
  };

  const stopSweeping = (): void => {
    if (sweeper !== undefined) clearInterval(sweeper);
    sweeper = undefined;
  };

  return { openSession, sessionFor, stopSweeping };
}
