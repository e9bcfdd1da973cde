/**
 * Era selection: probe with 2026-07-28 `server/discover`, fall back to the `initialize` handshake of the
 * newest session-era revision the server accepts (spec 2026-07-28 basic/versioning#backward-compatibility).
 * @module
 */
import {
  type ClientCapabilities,
  type Implementation,
  type JsonObject,
  type Peer,
  type StatelessRevision,
  ConnectionClosedError,
  ErrorCode,
  HttpError,
  InvalidArgumentError,
  LATEST_SESSION_REVISION,
  PROTOCOL_REVISIONS,
  ProcessExitedError,
  META_CLIENT_CAPABILITIES,
  META_CLIENT_INFO,
  META_PROTOCOL_VERSION,
  ProtocolError,
  ProtocolViolationError,
  STATELESS_REVISIONS,
  TimeoutError,
  isSessionRevision,
  isStatelessRevision,
} from '@mcpkit/protocol';

/** What the client learned about the server. */
export interface Negotiated {
  era: 'session' | 'stateless';
  protocolVersion: string;
  capabilities: JsonObject;
  serverInfo: Implementation | undefined;
  instructions: string | undefined;
}

export interface NegotiateOptions {
  peer: Peer;
  info: Implementation;
  capabilities: ClientCapabilities;
  /** 'auto', or a pinned revision. */
  protocolVersion: string;
  probeTimeoutMs: number;
  /** Time to wait for the `initialize` answer (the client's requestTimeoutMs). */
  requestTimeoutMs?: number;
  /** Called before each phase so an HTTP transport sends the right headers. */
  onPhase: (era: 'session' | 'stateless', protocolVersion: string | undefined) => void;
}

function meta(version: string, o: NegotiateOptions): JsonObject {
  return { [META_PROTOCOL_VERSION]: version, [META_CLIENT_CAPABILITIES]: o.capabilities, [META_CLIENT_INFO]: o.info };
}

/** Most `server/discover` attempts while the server answers UnsupportedProtocolVersion. */
const MAX_PROBES = 3;

/**
 * Asks `server/discover`; undefined means "not a modern server": fall back. `pinned`: there is no fallback, so
 * the probe may take the whole request timeout, and silence is reported as the timeout it is.
 */
async function probe(o: NegotiateOptions, version: string, attempt = 1, pinned = false): Promise<Negotiated | undefined> {
  o.onPhase('stateless', version);
  let result: JsonObject;
  try {
    result = await o.peer.request('server/discover', { _meta: meta(version, o) }, { timeoutMs: pinned ? (o.requestTimeoutMs ?? o.probeTimeoutMs) : o.probeTimeoutMs });
  } catch (error) {
    // A recognised modern error means a modern server: retry with a revision it lists (spec 2026-07-28
    // basic/versioning: do not fall back). Another one we speak first; else the refused one again, since the
    // server says it supports it. Bounded, so two servers' worth of contradictions cannot loop.
    if (error instanceof ProtocolError && error.code === ErrorCode.UnsupportedProtocolVersion) {
      const supported = (error.data as { supported?: unknown } | undefined)?.supported;
      const ours = Array.isArray(supported) ? supported.filter(isStatelessRevision) : [];
      const next = ours.find((v) => v !== version) ?? (ours.includes(version as StatelessRevision) ? version : undefined);
      if (next !== undefined && attempt < MAX_PROBES) return probe(o, next, attempt + 1, pinned);
      if (Array.isArray(supported) && supported.some(isSessionRevision)) return undefined;
      const why = next === undefined ? "Server supports none of this client's revisions" : `Server refused protocol ${version} ${attempt} times`;
      throw new ProtocolViolationError(`${why} (it offers ${JSON.stringify(supported)})`, { cause: error });
    }
    // The server is gone (process exited, connection closed, network down): that is no answer about eras.
    if (error instanceof ConnectionClosedError || error instanceof ProcessExitedError || (error instanceof HttpError && error.status === 0)) {
      throw error;
    }
    // Refused credentials say nothing about eras either: the caller must see the 401/403, not a version mismatch.
    if (error instanceof HttpError && (error.status === 401 || error.status === 403)) throw error;
    // Pinned, silence is no answer about eras: a server still starting on a busy machine is not a legacy one.
    if (pinned && error instanceof TimeoutError) throw error;
    // Anything else — -32601, -32600, an HTTP 400, silence — is a legacy server (never keyed to one code).
    return undefined;
  }
  // No supportedVersions, no DiscoverResult: a legacy server that answers unknown methods with `{}`.
  if (!Array.isArray(result.supportedVersions)) return undefined;
  const versions: unknown[] = result.supportedVersions;
  const chosen = versions.includes(version) ? version : STATELESS_REVISIONS.find((v) => versions.includes(v));
  if (!chosen) return versions.some(isSessionRevision) ? undefined : { ...fromDiscover(result, version) };
  return fromDiscover(result, chosen);
}

function fromDiscover(result: JsonObject, version: string): Negotiated {
  const m = result._meta as JsonObject | undefined;
  return {
    era: 'stateless',
    protocolVersion: version,
    capabilities: (result.capabilities as JsonObject | undefined) ?? {},
    serverInfo: (m?.['io.modelcontextprotocol/serverInfo'] ?? result.serverInfo) as Implementation | undefined,
    instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
  };
}

/** The session-era handshake. */
async function initialize(o: NegotiateOptions, version: string, pinned = false): Promise<Negotiated> {
  o.onPhase('session', undefined);
  const result = await o.peer.request('initialize', { protocolVersion: version, capabilities: o.capabilities, clientInfo: o.info }, { timeoutMs: o.requestTimeoutMs });
  const agreed = result.protocolVersion;
  if (typeof agreed !== 'string' || !isSessionRevision(agreed)) {
    throw new ProtocolViolationError(`Server answered initialize with protocol version ${JSON.stringify(agreed)}, which this client does not speak`);
  }
  if (pinned && agreed !== version) {
    throw new ProtocolViolationError(`Server does not speak protocol ${version} (it offered ${agreed})`);
  }
  o.onPhase('session', agreed);
  await o.peer.notify('notifications/initialized');
  return {
    era: 'session',
    protocolVersion: agreed,
    capabilities: (result.capabilities as JsonObject | undefined) ?? {},
    serverInfo: result.serverInfo as Implementation | undefined,
    instructions: typeof result.instructions === 'string' ? result.instructions : undefined,
  };
}

/**
 * Picks the era and revision.
 * @throws ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION` when no revision is shared; whatever the
 *   transport raises when the server cannot be reached.
 */
export async function negotiate(o: NegotiateOptions): Promise<Negotiated> {
  const pinned = o.protocolVersion;
  if (pinned !== 'auto') {
    if (isStatelessRevision(pinned)) {
      const found = await probe(o, pinned, 1, true);
      if (!found || found.protocolVersion !== pinned) throw new ProtocolViolationError(`Server does not speak protocol ${pinned}`);
      return found;
    }
    if (!isSessionRevision(pinned)) throw new InvalidArgumentError(`Unknown protocol revision ${pinned}; use 'auto' or one of ${PROTOCOL_REVISIONS.join(', ')}`);
    return initialize(o, pinned, true);
  }
  const modern = await probe(o, STATELESS_REVISIONS[STATELESS_REVISIONS.length - 1]!);
  return modern ?? initialize(o, LATEST_SESSION_REVISION);
}
