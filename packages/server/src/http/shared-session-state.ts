/**
 * Session state that follows a sealed session to every replica: the log level and the resource subscriptions a
 * client set after `initialize`, and the cluster-wide delivery of resource updates to subscribed sessions.
 * @module
 */
import type { JsonObject, JsonRpcMessage, LoggingLevel } from '@mcpkit/protocol';
import type { ChangeListener, ServerCore } from '../core.js';
import type { ServerSession } from '../session/session.js';
import type { HttpSessionTransport } from './session-transport.js';
import type { SessionMessageBus } from './session-seal.js';
import type { SessionState, SessionStatePatch, SessionStateStore } from './session-state-store.js';

/** Marks a state change of one session on the session bus. */
const STATE = 'mcpkitState';
/** Marks a resource update raised on some replica, for every replica (published under {@link EVERY_SESSION}). */
const RESOURCE = 'mcpkitResourceUpdated';
/** The bus's session id of a message for every replica rather than one session (no session id is empty). */
const EVERY_SESSION = '';
/**
 * How long a state change's answer waits for the replicas to say they applied it; past it the answer goes (the
 * store has the change; a replica that never acknowledges is stalled, or an older version without acknowledgements).
 */
const STATE_HEARD_TIMEOUT_MS = 1_000;

/** A live session as the HTTP core holds it. */
interface LiveSession {
  transport: HttpSessionTransport;
  session: ServerSession;
}

/** What the HTTP core calls; created only with sealed sessions, a bus and a state store. */
export interface SharedSessionState {
  /** Shares this session's changes from now on (a new or restored sealed session); `untilMs`: when its id expires. */
  attach(sessionId: string, session: ServerSession, untilMs: number): void;
  /**
   * Takes a session over: `take` opens it (or gives undefined) while its shared state is read, in parallel; the
   * state, then every change heard on the bus meanwhile, is applied to what `take` opened.
   */
  restore<L extends LiveSession>(sessionId: string, take: () => Promise<L | undefined>): Promise<L | undefined>;
  /** A message heard on the bus: true when it was state or a resource update (handled), false otherwise. */
  heard(sessionId: string, message: JsonObject): boolean;
  close(): void;
}

function patchOf(value: unknown): SessionStatePatch | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const p = value as { logLevel?: unknown; subscribe?: unknown; unsubscribe?: unknown };
  const patch: SessionStatePatch = {};
  if (typeof p.logLevel === 'string') patch.logLevel = p.logLevel as LoggingLevel;
  if (typeof p.subscribe === 'string') patch.subscribe = p.subscribe;
  if (typeof p.unsubscribe === 'string') patch.unsubscribe = p.unsubscribe;
  return patch;
}

/**
 * Resource updates, exactly once per subscribed session in the cluster: the replica where the application
 * raises one does not send it on its own copies of the sessions (their change listeners say no, see
 * ServerSession.shareState); it goes on the bus to every replica (itself included), and each replica sends it
 * only to the subscribed sessions whose standalone GET stream it holds. A client holds one GET stream, so one
 * replica sends; a replica that never saw a session holds no stream of it and has nothing to do. The other
 * ways were worse: each replica sending on its live copies relays one copy per replica holding the session;
 * the raising replica looking subscribers up in the store needs an index of URI → sessions and takes over
 * every one of them. The cost: an update raised while the client holds no GET stream anywhere (it is
 * reconnecting) is not stored for resumption. Without `relayStandalone` (the gateway: every replica hears its
 * upstreams by itself) nothing goes on the bus: each replica tells the sessions whose GET stream it holds.
 */
export function createSharedSessionState(core: ServerCore, sessions: ReadonlyMap<string, LiveSession>, store: SessionStateStore, bus: SessionMessageBus, relayStandalone: boolean): SharedSessionState {
  /** Sessions being taken over: changes heard meanwhile, applied after the stored state. */
  const restoring = new Map<string, SessionStatePatch[]>();

  const deliver = (uri: string): void => {
    const message = { jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri } } as JsonRpcMessage;
    // A loop over the live sessions per update (not per request); `relayed` sends only on a GET stream held here.
    // Sessions not sharing state (a local id: an initialize too big to seal) hear updates through their own listener.
    for (const live of sessions.values()) {
      const session = live.session;
      if (session.shareState !== undefined && session.subscriptions.has(uri)) live.transport.relayed(`${live.transport.streamTag}-get`, undefined, message);
    }
  };

  // Hears every resource update the application raises on this replica (server.notifyResourceUpdated).
  const listener: ChangeListener = {
    tools: false,
    prompts: false,
    resources: false,
    wantsResource: () => true,
    send: (_method, params) => {
      const uri = params.uri as string;
      if (!relayStandalone) return deliver(uri);
      bus.publish(EVERY_SESSION, { [RESOURCE]: uri }).catch((error: unknown) => core.report(error, 'sharing a resource update with the other replicas'));
    },
  };
  core.listeners.add(listener);

  return {
    attach(sessionId, session, untilMs) {
      session.shareState = async (patch) => {
        // Stored for replicas that take the session over later, then published for those holding it now (only
        // once stored: a change the store refused reaches no replica). The answer waits until the store has it and
        // every replica has applied it to its copy (publishHeard: a PUBLISH returning means only that the bus
        // queued it, and the client's next request could reach a copy that has not heard it yet), so a request the
        // client sends after the answer finds the change on whichever replica it lands.
        await store.update(sessionId, patch, untilMs);
        const message = { [STATE]: patch as JsonObject };
        if (bus.publishHeard !== undefined) await bus.publishHeard(sessionId, message, STATE_HEARD_TIMEOUT_MS);
        else await bus.publish(sessionId, message);
      };
    },

    async restore(sessionId, take) {
      const heardMeanwhile: SessionStatePatch[] = [];
      restoring.set(sessionId, heardMeanwhile);
      try {
        const [state, live] = await Promise.all([store.get(sessionId), take()]);
        if (live !== undefined) {
          if (state !== undefined) live.session.applyState(state satisfies SessionState);
          // Last writer wins per level and per URI: replaying changes the stored state already has is harmless.
          for (const patch of heardMeanwhile) live.session.applyState(patch);
        }
        return live;
      } finally {
        restoring.delete(sessionId);
      }
    },

    heard(sessionId, message) {
      if (sessionId === EVERY_SESSION) {
        const uri = message[RESOURCE];
        if (typeof uri === 'string') deliver(uri);
        return true;
      }
      if (!(STATE in message)) return false;
      const patch = patchOf(message[STATE]);
      if (patch === undefined) return true;
      const meanwhile = restoring.get(sessionId);
      if (meanwhile !== undefined) meanwhile.push(patch);
      else sessions.get(sessionId)?.session.applyState(patch);
      return true;
    },

    close() {
      core.listeners.delete(listener);
    },
  };
}
