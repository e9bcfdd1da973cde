/**
 * Test harness: the PostgreSQL and Redis the store tests use. Each probe resolves to whether to skip: a service
 * that is down skips its tests with a warning, except under `CI=true`, where it fails them (CI starts both).
 * @module
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from '@redis/client';

export const POSTGRES_URL = process.env.MCPKIT_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.MCPKIT_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const HOW_TO_START = {
  PostgreSQL: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  Redis: 'redis-server --daemonize yes',
};

function verdict(service: 'PostgreSQL' | 'Redis', url: string, down: Error | undefined): boolean {
  if (down === undefined) return false;
  const what = `${service} at ${url} is unreachable (${down.message})`;
  if (process.env.CI) throw new Error(`${what}; CI runs the ${service} store tests. Start it with: ${HOW_TO_START[service]}`);
  console.warn(`[mcpkit] ${what}: skipping the ${service} store tests. Start it with: ${HOW_TO_START[service]}`);
  return true;
}

/** True when the PostgreSQL tests must be skipped. @throws Error under CI when PostgreSQL is down. */
export async function skipPostgres(): Promise<boolean> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 2000 });
  let down: Error | undefined;
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    down = error as Error;
  } finally {
    await client.end().catch(() => {});
  }
  return verdict('PostgreSQL', POSTGRES_URL, down);
}

/** True when the Redis tests must be skipped. @throws Error under CI when Redis is down. */
export async function skipRedis(): Promise<boolean> {
  const client = createClient({ url: REDIS_URL, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => {});
  let down: Error | undefined;
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    down = error as Error;
  } finally {
    if (client.isOpen) client.destroy();
  }
  return verdict('Redis', REDIS_URL, down);
}

/** A fresh name for one test's schema, channel or key prefix. */
export function uniqueName(kind: string): string {
  return `mcpkit_test_${kind}_${randomBytes(5).toString('hex')}`;
}

/** Drops the schemas a test file made. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** Deletes every Redis key under the prefixes a test file used. */
export async function dropRedisPrefixes(prefixes: readonly string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const client = createClient({ url: REDIS_URL });
  client.on('error', () => {});
  await client.connect();
  try {
    for (const prefix of prefixes) {
      for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}

/**
 * A TCP proxy to `target` (host:port) that a test can cut (the service becomes unreachable behind it), stall
 * (requests are swallowed, as by a network partition without a reset), or whose connections it can drop (clients
 * reconnect through it), touching no other client of the service. `answerDelayMs` holds what the service sends
 * back for that long (a slow link to one client), in order.
 */
export async function cuttableProxy(target: string, options: { answerDelayMs?: number } = {}): Promise<{ url: (scheme: string) => string; drop(): void; stall(): void; cut(): Promise<void> }> {
  const delay = options.answerDelayMs ?? 0;
  const { createServer, connect } = await import('node:net');
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<import('node:net').Socket>();
  let stalled = false;
  const server = createServer((inbound) => {
    const outbound = connect(port, host);
    for (const s of [inbound, outbound]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.on('close', () => {
        sockets.delete(s);
        inbound.destroy();
        outbound.destroy();
      });
    }
    inbound.on('data', (chunk: Buffer) => void (stalled || outbound.write(chunk)));
    const answer = (chunk: Buffer) => void (stalled || inbound.destroyed || inbound.write(chunk));
    outbound.on('data', (chunk: Buffer) => (delay > 0 ? setTimeout(answer, delay, chunk) : answer(chunk)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const listening = (server.address() as import('node:net').AddressInfo).port;
  return {
    url: (scheme) => `${scheme}://127.0.0.1:${listening}`,
    drop() {
      for (const s of sockets) s.destroy();
    },
    stall() {
      stalled = true;
    },
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
