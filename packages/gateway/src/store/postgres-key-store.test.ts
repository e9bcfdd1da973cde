// PostgresKeyStore beyond the KeyStore contract (security/key-store.test.ts): replicas sharing one table.
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { PostgresKeyStore } from './postgres-key-store.js';
import { POSTGRES_URL, dropSchemas, skipPostgres, uniqueName } from './test-support/services.js';

const skip = await skipPostgres();
const schemas: string[] = [];
const stores: PostgresKeyStore[] = [];
afterAll(async () => {
  for (const store of stores) await store.close();
  await dropSchemas(schemas);
});

async function replicas(n: number): Promise<PostgresKeyStore[]> {
  const schema = uniqueName('pgkeys');
  schemas.push(schema);
  // All at once, as replicas start: the advisory lock keeps CREATE SCHEMA/TABLE from racing.
  const opened = await Promise.all(Array.from({ length: n }, () => PostgresKeyStore.open(POSTGRES_URL, { schema })));
  stores.push(...opened);
  return opened;
}

describe.skipIf(skip)('PostgresKeyStore shared by replicas', () => {
  it('opens on a fresh schema from several replicas at once, and each sees the keys of the others', async () => {
    const [a, b, c, d] = await replicas(4);
    const made = await a!.create({ id: 'from-a', scopes: ['read'] });
    await b!.create({ id: 'from-b', scopes: [] });
    expect((await c!.list()).map((k) => k.id)).toEqual(['from-a', 'from-b']);
    expect(await d!.findByHash(made.record.sha256)).toEqual(made.record);
    expect(await c!.revoke('from-a')).toBe(true);
    expect((await a!.findByHash(made.record.sha256))?.revokedAt).toBeTypeOf('number');
  });

  it('lets exactly one of two replicas take an id both ask for at once', async () => {
    const [a, b] = await replicas(2);
    const results = await Promise.allSettled([a!.create({ id: 'contested', scopes: [] }), b!.create({ id: 'contested', scopes: [] })]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(InvalidArgumentError);
    expect(String(refused.reason.message)).toBe('A key with id "contested" already exists');
    expect((await a!.list()).map((k) => k.id)).toEqual(['contested']);
  });

  it('refuses a schema or channel that is not a plain identifier', async () => {
    await expect(PostgresKeyStore.open(POSTGRES_URL, { schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/schema must be a plain SQL identifier/);
    await expect(PostgresKeyStore.open(POSTGRES_URL, { notifyChannel: 'a b' })).rejects.toThrow(/notifyChannel must be a plain SQL identifier/);
  });
});
