/**
 * Turns a presented API key into a principal: the keys written in `mcp.yaml` first, then the {@link KeyStore}.
 *
 * No timing oracle: the key is never compared with a stored key character by character. It is hashed, and the
 * SHA-256 digest (uniformly random for any key nobody holds) is looked up in a hash table, which tells an
 * attacker nothing about how close a guess came; the hit is then confirmed with `crypto.timingSafeEqual` on the
 * digests.
 *
 * Cost, measured once (Node 20.20, a shared 2-core VM): the one-shot `crypto.hash` takes ≈ 0.3 µs where a
 * `createHash` object took ≈ 2 µs; a config key or a cached store key is answered without a promise, with a
 * verdict made once per key. A cached store key costs the same as a config key plus a Map lookup.
 * @module
 */
import { hash, timingSafeEqual } from 'node:crypto';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { ConfigKey } from '../config/types.js';
import { apiKeyProblem, isValidKeyId } from './api-keys.js';
import type { KeyRecord, KeyStore } from './key-store.js';

/** A verified key's principal, or why the key is refused. */
export type KeyVerification =
  | { readonly ok: true; readonly id: string; readonly scopes: readonly string[]; readonly source: 'config' | 'store'; readonly expiresAt?: number }
  | { ok: false; error: 'malformed' | 'unknown' | 'expired' | 'revoked'; message: string };

export interface KeyVerifierOptions {
  /** Default `Date.now`. */
  now?: () => number;
  /**
   * How long a key found in the store is trusted without asking it again. Revocation through
   * {@link KeyVerifier.revoke} takes effect at once; a revocation by another process within this time.
   * Default 5 s; 0 turns the cache off.
   */
  cacheTtlMs?: number;
  /** Store keys cached at most. Default 1000. */
  cacheSize?: number;
}

interface KnownKey {
  id: string;
  scopes: string[];
  expiresAt: number | undefined;
  revokedAt: number | undefined;
  digest: Buffer;
  /** The verdict for this key while it is valid, by source: made once and frozen, since every request gets it. */
  accepted: { config?: KeyVerification; store?: KeyVerification };
}

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const UNKNOWN: KeyVerification = Object.freeze({ ok: false, error: 'unknown', message: 'Unknown API key' });

/**
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` (from the constructor) for a config key with a bad id
 * or hash, or two config keys with the same id or hash.
 * @example
 * const verifier = new KeyVerifier(config.keys, SqliteKeyStore.open(config.store.sqlite));
 * const result = await verifier.verify(bearerToken);
 * if (result.ok) console.log(result.id, result.scopes);
 */
export class KeyVerifier {
  readonly #config = new Map<string, KnownKey>();
  readonly #store: KeyStore | undefined;
  readonly #cache = new Map<string, { key: KnownKey; until: number }>();
  readonly #now: () => number;
  readonly #ttl: number;
  readonly #cacheSize: number;
  /** Bumped by every {@link forget}, so a lookup that was in flight across a revocation is not cached. */
  #generation = 0;

  constructor(configKeys: readonly ConfigKey[], store?: KeyStore, options: KeyVerifierOptions = {}) {
    const ids = new Set<string>();
    for (const [i, key] of configKeys.entries()) {
      if (!isValidKeyId(key.id)) throw new InvalidArgumentError(`keys[${i}].id: invalid key id ${JSON.stringify(key.id)}`);
      if (ids.has(key.id)) throw new InvalidArgumentError(`keys[${i}].id: duplicate key id ${JSON.stringify(key.id)}`);
      const sha256 = String(key.sha256).toLowerCase();
      if (!HEX_SHA256.test(sha256)) throw new InvalidArgumentError(`keys[${i}].sha256: expected 64 hex digits`);
      if (this.#config.has(sha256)) throw new InvalidArgumentError(`keys[${i}]: the same key as ${JSON.stringify(this.#config.get(sha256)!.id)}`);
      ids.add(key.id);
      this.#config.set(sha256, { id: key.id, scopes: [...key.scopes], expiresAt: key.expiresAt, revokedAt: undefined, digest: Buffer.from(sha256, 'hex'), accepted: {} });
    }
    this.#store = store;
    this.#now = options.now ?? Date.now;
    this.#ttl = options.cacheTtlMs ?? 5000;
    this.#cacheSize = options.cacheSize ?? 1000;
  }

  /**
   * Checks a key as presented in `Authorization: Bearer …` or `X-API-Key`. A config key or a cached store key is
   * answered at once; a promise only when the store has to be asked. An accepted key's verdict is frozen and
   * shared by every request that presents it.
   */
  verify(presented: string): KeyVerification | Promise<KeyVerification> {
    const problem = apiKeyProblem(presented);
    if (problem !== undefined) return { ok: false, error: 'malformed', message: `Malformed API key: ${problem}` };
    const hex = hash('sha256', presented, 'hex');
    const config = this.#config.get(hex);
    if (config !== undefined) return this.#judge(config, hex, 'config');
    const cached = this.#cached(hex);
    if (cached !== undefined) return this.#judge(cached, hex, 'store');
    return this.#lookup(hex).then((stored) => (stored === undefined ? UNKNOWN : this.#judge(stored, hex, 'store')));
  }

  /** Revokes a store key and forgets it at once in this process; false when the store has no such key. */
  async revoke(id: string): Promise<boolean> {
    if (this.#store === undefined) return false;
    const found = await this.#store.revoke(id);
    this.forget(id);
    return found;
  }

  /** Drops cached store keys: the one with `id`, or all. */
  forget(id?: string): void {
    this.#generation++;
    if (id === undefined) return this.#cache.clear();
    for (const [hash, entry] of this.#cache) if (entry.key.id === id) this.#cache.delete(hash);
  }

  #judge(key: KnownKey, hex: string, source: 'config' | 'store'): KeyVerification {
    const digest = Buffer.from(hex, 'hex');
    if (key.digest.length !== digest.length || !timingSafeEqual(key.digest, digest)) return UNKNOWN;
    const now = this.#now();
    if (key.revokedAt !== undefined && key.revokedAt <= now) return { ok: false, error: 'revoked', message: 'The API key has been revoked' };
    if (key.expiresAt !== undefined && key.expiresAt <= now) {
      return { ok: false, error: 'expired', message: `The API key expired at ${new Date(key.expiresAt).toISOString()}` };
    }
    let accepted = key.accepted[source];
    if (accepted === undefined) {
      const verdict: { ok: true; id: string; scopes: readonly string[]; source: 'config' | 'store'; expiresAt?: number } = { ok: true, id: key.id, scopes: Object.freeze([...key.scopes]), source };
      if (key.expiresAt !== undefined) verdict.expiresAt = key.expiresAt;
      accepted = key.accepted[source] = Object.freeze(verdict);
    }
    return accepted;
  }

  /** A store key still fresh in the cache (a stale entry is dropped). */
  #cached(hex: string): KnownKey | undefined {
    const cached = this.#cache.get(hex);
    if (cached === undefined) return undefined;
    if (cached.until > this.#now()) return cached.key;
    this.#cache.delete(hex);
    return undefined;
  }

  async #lookup(hex: string): Promise<KnownKey | undefined> {
    if (this.#store === undefined) return undefined;
    const now = this.#now();
    const generation = this.#generation;
    const record = await this.#store.findByHash(hex);
    if (record === undefined) return undefined;
    const key = toKnown(record);
    // Only hits are cached: misses are what a guesser produces, and caching them would let guesses evict keys.
    if (this.#ttl > 0 && record.revokedAt === undefined && generation === this.#generation) {
      if (this.#cache.size >= this.#cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(hex, { key, until: now + this.#ttl });
    }
    return key;
  }
}

function toKnown(record: KeyRecord): KnownKey {
  return { id: record.id, scopes: record.scopes, expiresAt: record.expiresAt, revokedAt: record.revokedAt, digest: Buffer.from(record.sha256, 'hex'), accepted: {} };
}
