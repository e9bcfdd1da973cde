import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { API_KEY_PREFIX } from './api-keys.js';
import { MemoryKeyStore } from './key-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { keyStoreContract } from './test-support/key-store-contract.js';
import { PostgresKeyStore } from '../store/postgres-key-store.js';
import { POSTGRES_URL, dropSchemas, skipPostgres, uniqueName } from '../store/test-support/services.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-keys-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const postgresSchemas: string[] = [];
const postgresSkipped = await skipPostgres();
afterAll(() => dropSchemas(postgresSchemas));

keyStoreContract('MemoryKeyStore', (now) => new MemoryKeyStore({ now }));
keyStoreContract('SqliteKeyStore', (now) => SqliteKeyStore.open(join(tempDir(), 'db', 'gateway.db'), { now }));
keyStoreContract(
  'PostgresKeyStore',
  (now) => {
    const schema = uniqueName('keys');
    postgresSchemas.push(schema);
    return PostgresKeyStore.open(POSTGRES_URL, { schema, now, notifyChannel: schema });
  },
  { skip: postgresSkipped },
);

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
