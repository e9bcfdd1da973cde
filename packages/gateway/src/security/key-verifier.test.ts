import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { ConfigKey } from '../config/types.js';
import { generateApiKey, hashApiKey } from './api-keys.js';
import { FailureTracker } from './failure-tracker.js';
import { MemoryKeyStore, type KeyRecord, type KeyStore } from './key-store.js';
import { KeyVerifier } from './key-verifier.js';

const configKey = 'mcpk_from-the-config-file';
const config: ConfigKey[] = [
  { id: 'ops', sha256: hashApiKey(configKey), scopes: ['admin'] },
  { id: 'old', sha256: hashApiKey('mcpk_old'), scopes: ['read'], expiresAt: 1000 },
];

/** A store that counts lookups, to see the cache at work. */
function countingStore(now: () => number): KeyStore & { lookups: number } {
  const inner = new MemoryKeyStore({ now });
  const store = {
    lookups: 0,
    create: inner.create.bind(inner),
    list: inner.list.bind(inner),
    revoke: inner.revoke.bind(inner),
    close: inner.close.bind(inner),
    async findByHash(hash: string): Promise<KeyRecord | undefined> {
      store.lookups++;
      return inner.findByHash(hash);
    },
  };
  return store;
}

describe('KeyVerifier', () => {
  it('accepts config keys and store keys, with their ids and scopes', async () => {
    const now = () => 500;
    const store = new MemoryKeyStore({ now });
    const { id, key } = await store.create({ scopes: ['read'] });
    const verifier = new KeyVerifier(config, store, { now });
    expect(await verifier.verify(configKey)).toEqual({ ok: true, id: 'ops', scopes: ['admin'], source: 'config' });
    expect(await verifier.verify(key)).toEqual({ ok: true, id, scopes: ['read'], source: 'store' });
    expect(await verifier.verify('mcpk_old')).toEqual({ ok: true, id: 'old', scopes: ['read'], source: 'config', expiresAt: 1000 });
  });

  it('refuses unknown, expired and revoked keys, saying which', async () => {
    let now = 500;
    const store = new MemoryKeyStore({ now: () => now });
    const expiring = await store.create({ scopes: [], expiresAt: 2000 });
    const revoked = await store.create({ scopes: [] });
    const verifier = new KeyVerifier(config, store, { now: () => now });
    expect(await verifier.verify(generateApiKey().key)).toEqual({ ok: false, error: 'unknown', message: 'Unknown API key' });
    await verifier.revoke(revoked.id);
    expect(await verifier.verify(revoked.key)).toMatchObject({ ok: false, error: 'revoked' });
    now = 1000;
    expect(await verifier.verify('mcpk_old')).toEqual({ ok: false, error: 'expired', message: 'The API key expired at 1970-01-01T00:00:01.000Z' });
    expect((await verifier.verify(expiring.key)).ok).toBe(true);
    now = 2000;
    expect(await verifier.verify(expiring.key)).toMatchObject({ ok: false, error: 'expired' });
  });

  it('refuses malformed keys before hashing, with a clear message', async () => {
    const verifier = new KeyVerifier(config);
    expect(await verifier.verify('x'.repeat(10_000))).toEqual({ ok: false, error: 'malformed', message: 'Malformed API key: the API key is longer than 512 bytes' });
    expect(await verifier.verify(`${configKey}\n`)).toMatchObject({ error: 'malformed', message: /control characters/ });
    expect(await verifier.verify(` ${configKey}`)).toMatchObject({ error: 'malformed' });
    expect(await verifier.verify('')).toMatchObject({ error: 'malformed' });
  });

  it('refuses near misses of a real key exactly like random guesses', async () => {
    const verifier = new KeyVerifier(config);
    const nearMisses = [configKey.slice(0, -1), `${configKey}x`, configKey.toUpperCase(), configKey.replace('f', 'g'), 'mcpk_', configKey.slice(0, 10)];
    for (const guess of nearMisses) expect(await verifier.verify(guess)).toEqual({ ok: false, error: 'unknown', message: 'Unknown API key' });
  });

  it('survives a brute force: every wrong key is unknown, and the failure tracker trips', async () => {
    let now = 0;
    const store = new MemoryKeyStore({ now: () => now });
    const real = await store.create({ scopes: ['read'] });
    const verifier = new KeyVerifier(config, store, { now: () => now });
    const tracker = new FailureTracker({ maxFailures: 20, windowMs: 60_000, now: () => now });
    const source = '203.0.113.9';
    let tried = 0;
    let refusedAt = -1;
    for (let i = 0; i < 5000; i++) {
      if (!tracker.check(source).ok) {
        refusedAt = i;
        break;
      }
      const guess = `mcpk_${randomBytes(32).toString('base64url')}`;
      const result = await verifier.verify(guess);
      expect(result).toMatchObject({ ok: false, error: 'unknown' });
      tracker.recordFailure(source);
      tried++;
    }
    expect(tried).toBe(20);
    expect(refusedAt).toBe(20);
    expect(tracker.check(source)).toEqual({ ok: false, retryAfterMs: 3000 });
    // Other sources are unaffected, and the real key still works.
    expect(tracker.check('198.51.100.1').ok).toBe(true);
    expect((await verifier.verify(real.key)).ok).toBe(true);
    now += 3000;
    expect(tracker.check(source).ok).toBe(true); // one more try per 3 s, not a fresh burst
    tracker.recordFailure(source);
    expect(tracker.check(source).ok).toBe(false);
  });

  it('caches store hits briefly, but a revocation through the verifier takes effect at once', async () => {
    let now = 0;
    const store = countingStore(() => now);
    const { id, key } = await store.create({ scopes: ['read'] });
    const verifier = new KeyVerifier([], store, { now: () => now, cacheTtlMs: 5000 });
    for (let i = 0; i < 10; i++) expect((await verifier.verify(key)).ok).toBe(true);
    expect(store.lookups).toBe(1);
    now = 5000;
    expect((await verifier.verify(key)).ok).toBe(true);
    expect(store.lookups).toBe(2);
    expect(await verifier.revoke(id)).toBe(true);
    expect(await verifier.verify(key)).toMatchObject({ ok: false, error: 'revoked' });
    expect(await verifier.revoke('nope')).toBe(false);
  });

  it('answers a config key and a cached store key without a promise, with one frozen verdict per key', async () => {
    let now = 0;
    const store = countingStore(() => now);
    const { key } = await store.create({ scopes: ['read'] });
    const verifier = new KeyVerifier(config, store, { now: () => now, cacheTtlMs: 5000 });
    const first = verifier.verify(key);
    expect(first).toBeInstanceOf(Promise); // the store is asked once
    const stored = await first;
    const again = verifier.verify(key);
    expect(again).not.toBeInstanceOf(Promise);
    expect(again).toBe(stored);
    expect(Object.isFrozen(stored) && stored.ok && Object.isFrozen(stored.scopes)).toBe(true);
    const fromConfig = verifier.verify(configKey);
    expect(fromConfig).not.toBeInstanceOf(Promise);
    expect(verifier.verify(configKey)).toBe(fromConfig);
    // Expiry is still judged on every call, cached verdict or not.
    now = 2000;
    expect(verifier.verify('mcpk_old')).toMatchObject({ ok: false, error: 'expired' });
    expect(store.lookups).toBe(1);
  });

  it('does not cache misses, so a key created meanwhile works at once', async () => {
    const store = countingStore(() => 0);
    const verifier = new KeyVerifier([], store, { now: () => 0 });
    const guess = generateApiKey().key;
    await verifier.verify(guess);
    await verifier.verify(guess);
    expect(store.lookups).toBe(2);
    const { key } = await store.create({ scopes: [] });
    expect((await verifier.verify(key)).ok).toBe(true);
  });

  it('does not cache a lookup that was in flight when the key was revoked', async () => {
    const inner = new MemoryKeyStore({ now: () => 0 });
    const { id, key } = await inner.create({ scopes: [] });
    let releaseLookup: () => void = () => {};
    let slowOnce = true;
    const slow: KeyStore = {
      create: inner.create.bind(inner),
      list: inner.list.bind(inner),
      revoke: inner.revoke.bind(inner),
      close: inner.close.bind(inner),
      async findByHash(hash) {
        const record = await inner.findByHash(hash); // read before the revocation
        if (slowOnce) {
          slowOnce = false;
          await new Promise<void>((resolve) => (releaseLookup = resolve));
        }
        return record;
      },
    };
    const verifier = new KeyVerifier([], slow, { now: () => 0 });
    const racing = verifier.verify(key);
    await new Promise((resolve) => setImmediate(resolve));
    await verifier.revoke(id);
    releaseLookup();
    expect((await racing).ok).toBe(true); // it began before the revocation
    expect(await verifier.verify(key)).toMatchObject({ error: 'revoked' }); // but was not cached
  });

  it('keeps the cache bounded', async () => {
    const store = countingStore(() => 0);
    const keys = await Promise.all(Array.from({ length: 20 }, () => store.create({ scopes: [] })));
    const verifier = new KeyVerifier([], store, { now: () => 0, cacheSize: 5 });
    for (const { key } of keys) await verifier.verify(key);
    for (const { key } of keys.slice(-5)) await verifier.verify(key);
    expect(store.lookups).toBe(20);
    await verifier.verify(keys[0]!.key);
    expect(store.lookups).toBe(21);
  });

  it('refuses a bad config key list, naming the entry', () => {
    expect(() => new KeyVerifier([{ id: 'a', sha256: 'xyz', scopes: [] }])).toThrow(/keys\[0\]\.sha256: expected 64 hex digits/);
    expect(() => new KeyVerifier([config[0]!, { ...config[0]!, sha256: hashApiKey('other') }])).toThrow(/keys\[1\]\.id: duplicate key id "ops"/);
    expect(() => new KeyVerifier([config[0]!, { ...config[0]!, id: 'ops2' }])).toThrow(/keys\[1\]: the same key as "ops"/);
    expect(() => new KeyVerifier([{ id: '', sha256: hashApiKey('x'), scopes: [] }])).toThrow(InvalidArgumentError);
    // Upper-case hex in the file is fine.
    expect(() => new KeyVerifier([{ id: 'up', sha256: hashApiKey('x').toUpperCase(), scopes: [] }])).not.toThrow();
  });
});
