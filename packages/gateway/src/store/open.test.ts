// Which stores a gateway opens for its configuration (issue 10), and the one-line error for a backend that is down.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { SqliteKeyStore } from '../security/sqlite-key-store.js';
import { MemoryChangeBus } from './change-bus.js';
import { openGatewayStores } from './open.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { RedisRateLimitStore } from './redis-rate-limit-store.js';
import { redactUrl } from './sql.js';
import { POSTGRES_URL, REDIS_URL, dropSchemas, skipPostgres, skipRedis, uniqueName } from './test-support/services.js';

const [pgSkipped, redisSkipped] = await Promise.all([skipPostgres(), skipRedis()]);
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-stores-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

/** The test database with its search path set to a fresh schema, so the stores' tables land there. */
async function schemaUrl(): Promise<string> {
  const schema = uniqueName('open');
  schemas.push(schema);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

describe('openGatewayStores', () => {
  it('opens SQLite keys, memory limits and no bus for one process', async () => {
    const stores = await openGatewayStores({ store: { sqlite: join(dir, 'one.db') } });
    expect(stores.keys).toBeInstanceOf(SqliteKeyStore);
    expect(stores.rateLimits).toBeUndefined();
    expect(stores.bus).toBeInstanceOf(MemoryChangeBus);
    expect(stores.busKind).toBe('memory');
    await stores.close();
  });

  it.skipIf(redisSkipped)('puts limits and notices on Redis when only storage.redis is set, announcing revocations', async () => {
    const stores = await openGatewayStores({ store: { sqlite: join(dir, 'redis.db') }, storage: { redis: REDIS_URL, redisPrefix: `${uniqueName('open')}:`, redisFailMode: 'open' } });
    expect(stores.rateLimits).toBeInstanceOf(RedisRateLimitStore);
    expect(stores.busKind).toBe('redis');
    const { id } = await stores.keys.create({ scopes: [] });
    expect(await stores.keys.revoke(id)).toBe(true);
    await stores.close();
  });

  it.skipIf(pgSkipped || redisSkipped)('puts keys and notices on PostgreSQL and limits on Redis when both are set', async () => {
    const url = await schemaUrl();
    const stores = await openGatewayStores({ store: { postgres: url }, storage: { postgres: url, redis: REDIS_URL, redisPrefix: `${uniqueName('open')}:`, redisFailMode: 'closed' } });
    expect(stores.keys).toBeInstanceOf(PostgresKeyStore);
    expect(stores.rateLimits).toBeInstanceOf(RedisRateLimitStore);
    expect(stores.busKind).toBe('postgres');
    await stores.keys.create({ id: 'here', scopes: [] });
    expect((await stores.keys.list()).map((k) => k.id)).toEqual(['here']);
    await stores.close();
  });

  it('refuses a PostgreSQL that is down in one line naming the field and the URL without its password', async () => {
    const url = 'postgres://gw:hunter2@127.0.0.1:1/gw';
    const error = (await openGatewayStores({ store: { postgres: url }, storage: { postgres: url, redisPrefix: 'mcpkit:', redisFailMode: 'closed' } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/^storage\.postgres: cannot use PostgreSQL at postgres:\/\/gw:\*\*\*@127\.0\.0\.1:1\/gw: \S/);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('\n');
  });

  it('refuses a Redis that is down the same way', async () => {
    const error = (await openGatewayStores({ store: { sqlite: join(dir, 'down.db') }, storage: { redis: 'redis://:hunter2@127.0.0.1:1', redisPrefix: 'mcpkit:', redisFailMode: 'closed' } }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error.message).toMatch(/^storage\.redis: cannot connect to Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1: \S/);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).not.toContain('\n');
  });
});

describe('redactUrl', () => {
  it('hides the password and nothing else', () => {
    expect(redactUrl('postgres://gw:s3cr%40t@db:5432/gw?sslmode=require')).toBe('postgres://gw:***@db:5432/gw?sslmode=require');
    expect(redactUrl('rediss://:pw@cache:6380/2')).toBe('rediss://:***@cache:6380/2');
    expect(redactUrl('redis://cache:6379')).toBe('redis://cache:6379');
    expect(redactUrl('postgres://gw:p w@[bad')).toBe('postgres://gw:***@[bad');
  });
});
