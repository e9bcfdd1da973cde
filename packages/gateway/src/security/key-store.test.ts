import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { API_KEY_PREFIX, hashApiKey } from './api-keys.js';
import { MemoryKeyStore, type KeyStore } from './key-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-keys-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const stores: Array<[string, (now: () => number) => KeyStore]> = [
  ['MemoryKeyStore', (now) => new MemoryKeyStore({ now })],
  ['SqliteKeyStore', (now) => SqliteKeyStore.open(join(tempDir(), 'db', 'gateway.db'), { now })],
];

describe.each(stores)('%s', (_, make) => {
  it('creates a key once and keeps only its hash', async () => {
    const store = make(() => 1000);
    const created = await store.create({ scopes: ['read', 'read', 'weather'], description: 'CI', expiresAt: 5000 });
    expect(created.key.startsWith(API_KEY_PREFIX)).toBe(true);
    expect(created.record).toEqual({ id: created.id, sha256: hashApiKey(created.key), scopes: ['read', 'weather'], createdAt: 1000, expiresAt: 5000, description: 'CI' });
    expect(await store.findByHash(hashApiKey(created.key))).toEqual(created.record);
    expect(JSON.stringify(await store.list())).not.toContain(created.key);
    await store.close();
  });

  it('lists keys in creation order and honours a chosen id', async () => {
    const store = make(() => 1);
    await store.create({ id: 'first', scopes: [] });
    await store.create({ id: 'second', scopes: ['a'] });
    const generated = await store.create({ scopes: ['b'] });
    expect((await store.list()).map((r) => r.id)).toEqual(['first', 'second', generated.id]);
    await store.close();
  });

  it('refuses a duplicate or invalid id, bad scopes and a past expiry, naming the problem', async () => {
    const store = make(() => 10_000);
    await store.create({ id: 'ci', scopes: [] });
    await expect(store.create({ id: 'ci', scopes: [] })).rejects.toThrow(/A key with id "ci" already exists/);
    await expect(store.create({ id: 'bad id', scopes: [] })).rejects.toThrow(InvalidArgumentError);
    await expect(store.create({ scopes: ['has space'] })).rejects.toThrow(/scopes must be/);
    await expect(store.create({ scopes: [], expiresAt: 9_999 })).rejects.toThrow(/expiresAt must be a time in the future/);
    expect(await store.list()).toHaveLength(1);
    await store.close();
  });

  it('revokes by id, keeping the first revocation time, and finds revoked keys', async () => {
    let now = 100;
    const store = make(() => now);
    const { id, key } = await store.create({ scopes: [] });
    now = 200;
    expect(await store.revoke(id)).toBe(true);
    now = 300;
    expect(await store.revoke(id)).toBe(true);
    expect(await store.revoke('nope')).toBe(false);
    expect((await store.findByHash(hashApiKey(key)))?.revokedAt).toBe(200);
    expect(await store.findByHash(hashApiKey('mcpk_other'))).toBeUndefined();
    await store.close();
  });
});

describe('SqliteKeyStore on a real file', () => {
  it('creates its folder, a 0600 file in WAL mode, and never writes the key', async () => {
    const dir = tempDir();
    const path = join(dir, 'nested', 'state', 'gateway.db');
    const store = SqliteKeyStore.open(path);
    const created = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create({ scopes: ['read'], description: `key ${i}` })));
    await store.revoke(created[0]!.id);

    const files = readdirSync(join(dir, 'nested', 'state'));
    expect(files).toContain('gateway.db');
    expect(files).toContain('gateway.db-wal');
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'nested', 'state')).mode & 0o777).toBe(0o700);
      for (const file of files) expect(statSync(join(dir, 'nested', 'state', file)).mode & 0o777, file).toBe(0o600);
    }
    const bytesOf = () => Buffer.concat(files.map((f) => readFileSync(join(dir, 'nested', 'state', f))));
    const checkNoSecret = (bytes: Buffer) => {
      for (const { key, record } of created) {
        expect(bytes.includes(key)).toBe(false);
        // Nor the random part on its own, nor its raw bytes.
        const secret = key.slice(API_KEY_PREFIX.length);
        expect(bytes.includes(secret)).toBe(false);
        expect(bytes.includes(Buffer.from(secret, 'base64url'))).toBe(false);
        expect(bytes.includes(record.sha256)).toBe(true);
      }
    };
    checkNoSecret(bytesOf());
    await store.close(); // checkpoints the WAL into the main file
    checkNoSecret(readFileSync(path));

    // Reopening finds the same keys.
    const again = SqliteKeyStore.open(path);
    expect((await again.list()).map((r) => r.id)).toEqual(created.map((c) => c.id));
    expect((await again.findByHash(created[0]!.record.sha256))?.revokedAt).toBeTypeOf('number');
    await again.close();
  });

  it('tightens an existing file to 0600', async () => {
    if (process.platform === 'win32') return;
    const path = join(tempDir(), 'loose.db');
    new Database(path).close();
    chmodSync(path, 0o644);
    const store = SqliteKeyStore.open(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await store.close();
  });

  it('shares a database opened elsewhere and leaves it open on close', async () => {
    const db = new Database(':memory:');
    const store = new SqliteKeyStore(db);
    await store.create({ id: 'shared', scopes: [] });
    await store.close();
    expect(db.open).toBe(true);
    expect(db.prepare('SELECT id FROM api_keys').all()).toEqual([{ id: 'shared' }]);
    db.close();
  });
});
