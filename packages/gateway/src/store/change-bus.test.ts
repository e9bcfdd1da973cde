// Change notices between replicas (issue 10): in memory, over PostgreSQL LISTEN/NOTIFY and over Redis pub/sub.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { decodeChange, encodeChange, MemoryChangeHub, type ChangeBus, type ChangeMessage } from './change-bus.js';
import { PostgresChangeBus } from './postgres-change-bus.js';
import { RedisChangeBus } from './redis-change-bus.js';
import { POSTGRES_URL, REDIS_URL, cuttableProxy, skipPostgres, skipRedis, uniqueName } from './test-support/services.js';

const [pgSkipped, redisSkipped] = await Promise.all([skipPostgres(), skipRedis()]);
const buses: ChangeBus[] = [];
afterAll(async () => {
  for (const bus of buses) await bus.close();
});

function collect(bus: ChangeBus): ChangeMessage[] {
  const got: ChangeMessage[] = [];
  bus.subscribe((m) => got.push(m));
  return got;
}

describe('change notices on the wire', () => {
  it('round-trip with their origin and refuse anything else', () => {
    const text = encodeChange({ type: 'trust-approved', server: 'files', item: 'read' }, 'o1');
    expect(decodeChange(text)).toEqual({ message: { type: 'trust-approved', server: 'files', item: 'read' }, origin: 'o1' });
    expect(decodeChange('not json')).toBeUndefined();
    expect(decodeChange('{"type":"key-revoked","id":"x"}')).toBeUndefined();
    expect(decodeChange('{"type":"drop-tables","origin":"o"}')).toBeUndefined();
    expect(() => encodeChange({ type: 'key-revoked', id: 'x'.repeat(5000) }, 'o')).toThrow(/at most 4000 bytes/);
  });
});

describe('MemoryChangeBus', () => {
  it('reaches every other bus on the hub, not itself, and survives a listener that throws', async () => {
    const hub = new MemoryChangeHub();
    const errors: unknown[] = [];
    const [a, b, c] = [hub.bus(), hub.bus({ onError: (e) => errors.push(e) }), hub.bus()];
    const [gotA, gotB, gotC] = [collect(a), collect(b), collect(c)];
    b.subscribe(() => {
      throw new Error('listener bug');
    });
    await a.publish({ type: 'key-revoked', id: 'ci' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gotA).toEqual([]);
    expect(gotB).toEqual([{ type: 'key-revoked', id: 'ci' }]);
    expect(gotC).toEqual([{ type: 'key-revoked', id: 'ci' }]);
    expect(errors).toEqual([new Error('listener bug')]);
    await c.close();
    await a.publish({ type: 'resync' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(gotC).toHaveLength(1);
  });
});

/** Resolves once `got` holds `count` messages, or fails after `ms`. */
async function waitFor(got: readonly ChangeMessage[], count: number, ms = 1000): Promise<void> {
  const until = Date.now() + ms;
  while (got.length < count) {
    if (Date.now() > until) throw new Error(`waited ${ms} ms for ${count} notices, got ${JSON.stringify(got)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(pgSkipped)('PostgresChangeBus', () => {
  it('delivers to the other replica within a second, not to itself, and listens again after losing its connection', async () => {
    const channel = uniqueName('bus');
    const errors: Error[] = [];
    const a = await PostgresChangeBus.open(POSTGRES_URL, { channel });
    const b = await PostgresChangeBus.open(POSTGRES_URL, { channel, onError: (e) => errors.push(e) });
    buses.push(a, b);
    const [gotA, gotB] = [collect(a), collect(b)];
    await a.publish({ type: 'config-reloaded', digest: 'abc' });
    await waitFor(gotB, 1);
    expect(gotB).toEqual([{ type: 'config-reloaded', digest: 'abc' }]);

    // The server drops b's listening connection: b reconnects, says resync, and hears later notices.
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`, [`LISTEN "${channel}"`]);
    await admin.end();
    await waitFor(gotB, 2, 5000);
    expect(gotB[1]).toEqual({ type: 'resync' });
    expect(errors[0]?.message).toMatch(/^lost the connection/);
    await a.publish({ type: 'key-revoked', id: 'late' });
    await waitFor(gotB, 3);
    expect(gotB[2]).toEqual({ type: 'key-revoked', id: 'late' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(gotA).toEqual([]);
  });

  it('names the URL without its password when PostgreSQL cannot be reached', async () => {
    const error = await PostgresChangeBus.open('postgres://gw:hunter2@127.0.0.1:1/gw').catch((e: unknown) => e as Error);
    expect((error as Error).message).toMatch(/^cannot connect to PostgreSQL at postgres:\/\/gw:\*\*\*@127\.0\.0\.1:1\/gw: /);
    expect((error as Error).message).not.toContain('hunter2');
  });
});

describe.skipIf(redisSkipped)('RedisChangeBus', () => {
  it('delivers to the other replica within a second, not to itself, and says resync after a reconnect', async () => {
    const channel = `${uniqueName('bus')}:changes`;
    const proxy = await cuttableProxy(new URL(REDIS_URL).host);
    const a = await RedisChangeBus.open(REDIS_URL, { channel });
    const b = await RedisChangeBus.open(proxy.url('redis'), { channel, onError: () => {} });
    buses.push(a, b);
    const [gotA, gotB] = [collect(a), collect(b)];
    await a.publish({ type: 'trust-approved', server: 'files' });
    await waitFor(gotB, 1);
    expect(gotB).toEqual([{ type: 'trust-approved', server: 'files' }]);

    // b's connections drop (a network blip): it reconnects through the proxy and subscribes again.
    proxy.drop();
    await waitFor(gotB, 2, 5000);
    expect(gotB[1]).toEqual({ type: 'resync' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await a.publish({ type: 'key-revoked', id: 'late' });
    await waitFor(gotB, 3);
    expect(gotB[2]).toEqual({ type: 'key-revoked', id: 'late' });
    expect(gotA).toEqual([]);
    await proxy.cut();
  });
});
