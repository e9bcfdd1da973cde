// Issue 10: a key revoked on one replica is refused by every replica within a second, though each caches keys for 5 s.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KeyVerifier } from '../security/key-verifier.js';
import { SqliteKeyStore } from '../security/sqlite-key-store.js';
import type { KeyStore } from '../security/key-store.js';
import type { ChangeBus } from './change-bus.js';
import { announceRevocations } from './open.js';
import { PostgresChangeBus } from './postgres-change-bus.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { RedisChangeBus } from './redis-change-bus.js';
import { POSTGRES_URL, REDIS_URL, dropSchemas, skipPostgres, skipRedis, uniqueName } from './test-support/services.js';

const [pgSkipped, redisSkipped] = await Promise.all([skipPostgres(), skipRedis()]);
const cleanups: Array<() => Promise<void> | void> = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await dropSchemas(schemas);
});

/** One replica: its own store connection, its own bus, and a verifier that forgets what the bus says was revoked. */
function replica(store: KeyStore, bus: ChangeBus): KeyVerifier {
  const verifier = new KeyVerifier([], store);
  // As startGateway does.
  bus.subscribe((m) => {
    if (m.type === 'key-revoked') verifier.forget(m.id);
    else if (m.type === 'resync') verifier.forget();
  });
  cleanups.push(() => bus.close(), () => store.close());
  return verifier;
}

/** Milliseconds until `verifier` refuses `key` as revoked; fails past 1 s. */
async function refusedWithin(verifier: KeyVerifier, key: string): Promise<number> {
  const started = Date.now();
  for (;;) {
    const verdict = await verifier.verify(key);
    if (!verdict.ok) {
      expect(verdict.error).toBe('revoked');
      return Date.now() - started;
    }
    if (Date.now() - started > 1000) throw new Error('the other replica still accepts the revoked key after 1 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(pgSkipped)('revocation across replicas on PostgreSQL (LISTEN/NOTIFY)', () => {
  it('reaches the other KeyVerifier within a second, whether a replica or another process revoked', async () => {
    const schema = uniqueName('revoke');
    schemas.push(schema);
    const open = async () => {
      const store = await PostgresKeyStore.open(POSTGRES_URL, { schema, notifyChannel: schema });
      return replica(store, await PostgresChangeBus.open(POSTGRES_URL, { channel: schema }));
    };
    const [a, b] = [await open(), await open()];
    const admin = await PostgresKeyStore.open(POSTGRES_URL, { schema, notifyChannel: schema });
    cleanups.push(() => admin.close());
    // Without a bus a replica keeps a cached key for its cache TTL: the control that shows the bus did the work.
    const deaf = new KeyVerifier([], admin);

    const first = await admin.create({ id: 'ci', scopes: ['read'] });
    for (const v of [a, b, deaf]) expect(await v.verify(first.key)).toMatchObject({ ok: true, id: 'ci', scopes: ['read'] });
    expect(await a.revoke('ci')).toBe(true);
    expect(await refusedWithin(b, first.key)).toBeLessThan(1000);
    expect(await deaf.verify(first.key)).toMatchObject({ ok: true });

    // `mcpkit gateway keys revoke` is another process with only a store: its revocation notifies too.
    const second = await admin.create({ id: 'cd', scopes: [] });
    for (const v of [a, b]) expect((await v.verify(second.key)).ok).toBe(true);
    expect(await admin.revoke('cd')).toBe(true);
    expect(await refusedWithin(a, second.key)).toBeLessThan(1000);
    expect(await refusedWithin(b, second.key)).toBeLessThan(1000);
  });
});

describe.skipIf(redisSkipped)('revocation across replicas with only Redis (pub/sub)', () => {
  it('reaches the other KeyVerifier within a second', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-revoke-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const channel = `${uniqueName('revoke')}:changes`;
    const open = async () => {
      const bus = await RedisChangeBus.open(REDIS_URL, { channel });
      return replica(announceRevocations(SqliteKeyStore.open(join(dir, 'gateway.db')), bus), bus);
    };
    const [a, b] = [await open(), await open()];
    const store = SqliteKeyStore.open(join(dir, 'gateway.db'));
    cleanups.push(() => store.close());
    const { key } = await store.create({ id: 'ci', scopes: [] });
    for (const v of [a, b]) expect((await v.verify(key)).ok).toBe(true);
    expect(await a.revoke('ci')).toBe(true);
    expect(await refusedWithin(b, key)).toBeLessThan(1000);
  });
});
