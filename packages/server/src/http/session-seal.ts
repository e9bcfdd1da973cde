/**
 * Sealed session ids: a session-era `Mcp-Session-Id` that carries, encrypted and authenticated, what any
 * replica needs to serve the session (the client's `initialize` parameters, the principal it is bound to, when
 * it was issued). Replicas sharing the secret need no shared session table and no sticky load balancing.
 * Web Crypto only (AES-256-GCM under a key derived once per key id with HKDF-SHA-256), so it runs anywhere.
 * @module
 */
import { InvalidArgumentError, type JsonObject } from '@mcpkit/protocol';
import type { SessionStateStore } from './session-state-store.js';

/** One sealing key: `id` names it inside every id it seals (key rotation), `secret` is at least 32 bytes. */
export interface SessionSealKey {
  id: string;
  secret: string | Uint8Array;
}

/** What a sealed id carries. */
export interface SealedSession {
  /** The `initialize` params the client sent (protocolVersion, capabilities, clientInfo). */
  initialize: JsonObject;
  /** The principal that opened the session, or undefined without authentication. */
  principalId: string | undefined;
  /** When it was sealed (ms since the epoch). */
  issuedAt: number;
}

/** Revoked session ids (a DELETE), shared by every replica that can open them. */
export interface SessionRevocations {
  /** Revokes `id` until `untilMs` (after which the id is expired anyway). */
  revoke(id: string, untilMs: number): Promise<void>;
  isRevoked(id: string): Promise<boolean>;
  /** Calls `listener` with every id revoked anywhere from now on (so replicas drop their live copy). */
  subscribe?(listener: (id: string) => void): () => void;
}

/**
 * Carries a client's answer to a server→client request (elicitation, sampling, roots) from the replica that
 * received it to the one whose request is waiting, when a load balancer sent them to different replicas; and
 * SSE events of a session to the replica holding (or resuming) the client's stream. Every replica hears every
 * message and keeps what concerns the sessions it serves.
 */
export interface SessionMessageBus {
  /** Sends to every replica listening (this one included); resolves once the bus took it, not once they heard it. */
  publish(sessionId: string, message: JsonObject): Promise<void>;
  /**
   * Like publish, but resolves only once every replica listening has handed the message to its listeners (which
   * run synchronously), or after `timeoutMs` when one never says so (stalled, or an older version). Optional: a
   * bus without it cannot tell, and its publish is used instead.
   */
  publishHeard?(sessionId: string, message: JsonObject, timeoutMs: number): Promise<void>;
  subscribe(listener: (sessionId: string, message: JsonObject) => void): () => void;
}

/** A bus inside one process (replicas that are servers in one process; tests). */
export class MemorySessionMessageBus implements SessionMessageBus {
  readonly #listeners = new Set<(sessionId: string, message: JsonObject) => void>();

  async publish(sessionId: string, message: JsonObject): Promise<void> {
    for (const listener of this.#listeners) listener(sessionId, message);
  }

  /** Every listener has run when publish returns: nothing more to wait for. */
  publishHeard(sessionId: string, message: JsonObject): Promise<void> {
    return this.publish(sessionId, message);
  }

  subscribe(listener: (sessionId: string, message: JsonObject) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

export interface SessionSealOptions {
  /** Sealing keys, newest first: ids are sealed with the first and opened with any (rotation). */
  keys: readonly SessionSealKey[];
  /** How long a sealed id stays valid after it was issued. Default 24 hours. */
  maxAgeMs?: number;
  /** Where DELETEs are remembered. Default: in this process only ({@link MemorySessionRevocations}). */
  revocations?: SessionRevocations;
  /**
   * Where answers to server→client requests, and events for streams held on other replicas, travel between
   * replicas. Default: none (both stay on the replica that has them).
   */
  bus?: SessionMessageBus;
  /**
   * With a bus: a message a replica sends a session outside any request (a list change, a log line) while the
   * session's standalone GET stream is held by another replica goes to that replica over the bus. Default true.
   * Turn it off when every replica raises the same notifications by itself (the gateway: each replica hears its
   * upstreams), or the client hears each one once per replica.
   */
  relayStandalone?: boolean;
  /**
   * With a bus: where the state a client changes after `initialize` (its log level, its resource subscriptions)
   * is kept, so it follows the session to every replica, and a resource update raised on any replica reaches
   * every subscribed session once (from the replica holding its GET stream). Default: none (that state stays on
   * the replica that received the change).
   */
  state?: SessionStateStore;
  /** Largest sealed payload (bytes of JSON); a session whose `initialize` is bigger gets a plain local id. Default 4096. */
  maxPayloadBytes?: number;
  /** Default `Date.now`. */
  now?: () => number;
}

const FORMAT = 'mcp1';
const SALT = new TextEncoder().encode('mcpkit sealed session id v1');
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const IV_BYTES = 12;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Seals and opens session ids. Keys are derived once, on first use; each seal or open is one AES-GCM
 * operation. A tampered, truncated, expired or unknown-key id opens as undefined, never as an error.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` (constructor) for no keys, a bad key id, a duplicate
 *   key id, a secret shorter than 32 bytes, or a `state` store without a `bus`.
 * @example
 * const sealer = new SessionSealer({ keys: [{ id: 'k1', secret: process.env.MCP_SESSION_SECRET! }] });
 * const id = await sealer.seal({ initialize: params, principalId: 'alice', issuedAt: Date.now() });
 * const again = await sealer.open(id); // the same state, on any replica holding the key
 */
export class SessionSealer {
  readonly maxAgeMs: number;
  readonly maxPayloadBytes: number;
  readonly revocations: SessionRevocations;
  readonly bus: SessionMessageBus | undefined;
  readonly relayStandalone: boolean;
  readonly state: SessionStateStore | undefined;
  readonly #keys: ReadonlyMap<string, Promise<CryptoKey>>;
  readonly #sealWith: string;
  readonly #now: () => number;

  constructor(options: SessionSealOptions) {
    if (options.keys.length === 0) throw new InvalidArgumentError('session sealing needs at least one key');
    // Live copies on other replicas learn a change only from the bus: a store alone would leave them stale.
    if (options.state !== undefined && options.bus === undefined) throw new InvalidArgumentError('sealedSessions.state needs a bus: replicas learn state changes from it');
    const keys = new Map<string, Promise<CryptoKey>>();
    for (const [i, key] of options.keys.entries()) {
      if (!KEY_ID.test(key.id)) throw new InvalidArgumentError(`keys[${i}].id: 1-32 characters of A-Z a-z 0-9 _ -`);
      if (keys.has(key.id)) throw new InvalidArgumentError(`keys[${i}].id: duplicate key id ${key.id}`);
      const secret = typeof key.secret === 'string' ? new TextEncoder().encode(key.secret) : key.secret;
      if (secret.byteLength < 32) throw new InvalidArgumentError(`keys[${i}].secret: at least 32 bytes, got ${secret.byteLength}`);
      const derived = deriveKey(secret, key.id);
      derived.catch(() => undefined); // surfaced by the first seal/open that awaits it
      keys.set(key.id, derived);
    }
    this.#keys = keys;
    this.#sealWith = options.keys[0]!.id;
    this.maxAgeMs = options.maxAgeMs ?? DAY_MS;
    this.maxPayloadBytes = options.maxPayloadBytes ?? 4096;
    this.revocations = options.revocations ?? new MemorySessionRevocations(options.now);
    this.bus = options.bus;
    this.relayStandalone = options.relayStandalone ?? true;
    this.state = options.state;
    this.#now = options.now ?? Date.now;
  }

  /** The sealed id for `state`, or undefined when its payload is over `maxPayloadBytes`. */
  async seal(state: SealedSession): Promise<string | undefined> {
    const nonce = base64url(crypto.getRandomValues(new Uint8Array(9)));
    const payload = new TextEncoder().encode(JSON.stringify({ i: state.initialize, p: state.principalId ?? null, t: state.issuedAt, n: nonce }));
    if (payload.byteLength > this.maxPayloadBytes) return undefined;
    const header = `${FORMAT}.${this.#sealWith}`;
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const key = await this.#keys.get(this.#sealWith)!;
    const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(header) }, key, payload));
    return `${header}.${base64url(iv)}.${base64url(sealed)}`;
  }

  /** The state sealed in `id`, or undefined when it is not a valid, unexpired id sealed by one of our keys. */
  async open(id: string): Promise<SealedSession | undefined> {
    const parts = id.split('.');
    if (parts.length !== 4 || parts[0] !== FORMAT) return undefined;
    const key = this.#keys.get(parts[1]!);
    if (key === undefined) return undefined;
    const iv = fromBase64url(parts[2]!);
    const sealed = fromBase64url(parts[3]!);
    if (iv === undefined || iv.byteLength !== IV_BYTES || sealed === undefined || sealed.byteLength < 17) return undefined;
    let payload: unknown;
    try {
      const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(`${FORMAT}.${parts[1]}`) }, await key, sealed);
      payload = JSON.parse(new TextDecoder().decode(plain));
    } catch {
      return undefined; // tampered or sealed under another secret with the same key id
    }
    const p = payload as { i?: unknown; p?: unknown; t?: unknown };
    if (typeof p.i !== 'object' || p.i === null || Array.isArray(p.i) || typeof p.t !== 'number') return undefined;
    if (p.p !== null && typeof p.p !== 'string') return undefined;
    if (this.#now() - p.t > this.maxAgeMs) return undefined;
    return { initialize: p.i as JsonObject, principalId: p.p ?? undefined, issuedAt: p.t };
  }

  /** Whether `id` has the shape of an id this sealer makes (no crypto: for choosing a code path). */
  static looksSealed(id: string): boolean {
    return id.startsWith(`${FORMAT}.`);
  }
}

/**
 * Revocations kept in this process, each until its id would expire anyway. Enough for one replica; replicas
 * that share sealed ids need a shared implementation (the gateway's on Redis or PostgreSQL).
 */
export class MemorySessionRevocations implements SessionRevocations {
  readonly #until = new Map<string, number>();
  readonly #listeners = new Set<(id: string) => void>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async revoke(id: string, untilMs: number): Promise<void> {
    const now = this.#now();
    // Forget what has expired whenever something is added: bounded by the ids revoked within one max age.
    for (const [old, until] of this.#until) if (until <= now) this.#until.delete(old);
    this.#until.set(id, untilMs);
    for (const listener of this.#listeners) listener(id);
  }

  async isRevoked(id: string): Promise<boolean> {
    const until = this.#until.get(id);
    return until !== undefined && until > this.#now();
  }

  subscribe(listener: (id: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

async function deriveKey(secret: Uint8Array, keyId: string): Promise<CryptoKey> {
  const base = await crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: SALT, info: new TextEncoder().encode(`session-id ${keyId}`) },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return undefined;
  }
}
