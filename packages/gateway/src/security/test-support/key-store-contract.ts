/**
 * Test harness: the one {@link KeyStore} contract every store passes (memory, SQLite, PostgreSQL).
 * @module
 */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { API_KEY_PREFIX, hashApiKey } from '../api-keys.js';
import type { KeyStore } from '../key-store.js';

/** Makes an empty store with the given clock. */
export type KeyStoreFactory = (now: () => number) => KeyStore | Promise<KeyStore>;

/** Declares the contract's tests for one store. */
export function keyStoreContract(name: string, make: KeyStoreFactory, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(`KeyStore contract: ${name}`, () => {
    it('creates a key once and keeps only its hash', async () => {
      const store = await make(() => 1000);
      const created = await store.create({ scopes: ['read', 'read', 'weather'], description: 'CI', expiresAt: 5000 });
      expect(created.key.startsWith(API_KEY_PREFIX)).toBe(true);
      expect(created.record).toEqual({ id: created.id, sha256: hashApiKey(created.key), scopes: ['read', 'weather'], createdAt: 1000, expiresAt: 5000, description: 'CI' });
      expect(await store.findByHash(hashApiKey(created.key))).toEqual(created.record);
      expect(await store.list()).toEqual([created.record]);
      expect(JSON.stringify(await store.list())).not.toContain(created.key);
      await store.close();
    });

    it('lists keys in creation order and honours a chosen id', async () => {
      const store = await make(() => 1);
      await store.create({ id: 'first', scopes: [] });
      await store.create({ id: 'second', scopes: ['a'] });
      const generated = await store.create({ scopes: ['b'] });
      expect((await store.list()).map((r) => r.id)).toEqual(['first', 'second', generated.id]);
      expect((await store.list())[0]).toEqual({ id: 'first', sha256: expect.stringMatching(/^[0-9a-f]{64}$/), scopes: [], createdAt: 1 });
      await store.close();
    });

    it('refuses a duplicate or invalid id, bad scopes and a past expiry, naming the problem', async () => {
      const store = await make(() => 10_000);
      await store.create({ id: 'ci', scopes: [] });
      await expect(store.create({ id: 'ci', scopes: [] })).rejects.toThrow(/A key with id "ci" already exists/);
      await expect(store.create({ id: 'ci', scopes: [] })).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(store.create({ id: 'bad id', scopes: [] })).rejects.toThrow(InvalidArgumentError);
      await expect(store.create({ scopes: ['has space'] })).rejects.toThrow(/scopes must be/);
      await expect(store.create({ scopes: [], expiresAt: 9_999 })).rejects.toThrow(/expiresAt must be a time in the future/);
      expect(await store.list()).toHaveLength(1);
      await store.close();
    });

    it('revokes by id, keeping the first revocation time, and finds revoked keys', async () => {
      let now = 100;
      const store = await make(() => now);
      const { id, key } = await store.create({ scopes: [] });
      const other = await store.create({ scopes: [] });
      now = 200;
      expect(await store.revoke(id)).toBe(true);
      now = 300;
      expect(await store.revoke(id)).toBe(true);
      expect(await store.revoke('nope')).toBe(false);
      expect((await store.findByHash(hashApiKey(key)))?.revokedAt).toBe(200);
      expect((await store.findByHash(other.record.sha256))?.revokedAt).toBeUndefined();
      expect(await store.findByHash(hashApiKey('mcpk_other'))).toBeUndefined();
      await store.close();
    });
  });
}
