// Pins and approvals (issue 10): the PinStore contract on the lockfile, SQLite and PostgreSQL, and what is particular
// to each (seeding from a committed lockfile, notices on the change bus).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyLockfile } from '@mcpkit/trust';
import type { ChangeMessage } from './change-bus.js';
import { LockfilePinStore, readLockfile, writeLockfile } from './lockfile-pin-store.js';
import { PostgresChangeBus } from './postgres-change-bus.js';
import { PostgresPinStore } from './postgres-pin-store.js';
import { SqlitePinStore } from './sqlite-pin-store.js';
import { POSTGRES_URL, dropSchemas, skipPostgres, uniqueName } from './test-support/services.js';
import { entryFor, pinStoreContract } from './test-support/pin-store-contract.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-pins-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
const schemas: string[] = [];
const pgSkipped = await skipPostgres();
afterAll(() => dropSchemas(schemas));

/** Runs one statement against the test database. */
async function sql(text: string, values: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(text, values);
  } finally {
    await client.end();
  }
}

pinStoreContract('lockfile', async () => {
  const path = join(tempDir(), 'nested', 'mcp.lock.json');
  return {
    store: async () => new LockfilePinStore(path),
    follow: async (store, onChange) => {
      const stop = store.watch(onChange);
      return async () => stop();
    },
    corrupt: async (server) => {
      const lock = JSON.parse(JSON.stringify(await readLockfile(path))) as { servers: Record<string, unknown> };
      lock.servers[server] = { digest: 'not hex' };
      writeFileSync(path, JSON.stringify(lock));
    },
  };
});

pinStoreContract('SQLite', async () => {
  const path = join(tempDir(), 'state', 'gateway.db');
  return {
    store: async () => SqlitePinStore.open(path),
    follow: async (store, onChange) => {
      const stop = store.watch(onChange);
      return async () => stop();
    },
    corrupt: async (server) => {
      const db = new Database(path);
      db.prepare('INSERT INTO trust_pins (server, entry, updated_at) VALUES (?, ?, 0)').run(server, '{"digest": 1}');
      db.close();
    },
  };
});

pinStoreContract(
  'PostgreSQL',
  async () => {
    const schema = uniqueName('pins');
    schemas.push(schema);
    return {
      store: () => PostgresPinStore.open(POSTGRES_URL, { schema, notifyChannel: schema }),
      // The store's own notices on the change bus are what other replicas follow.
      follow: async (_store, onChange) => {
        const bus = await PostgresChangeBus.open(POSTGRES_URL, { channel: schema });
        bus.subscribe((m) => m.type === 'trust-approved' && onChange());
        return () => bus.close();
      },
      corrupt: (server) => sql(`INSERT INTO "${schema}".trust_pins (server, entry, updated_at) VALUES ($1, $2, 0)`, [server, 'not json']),
    };
  },
  { skip: pgSkipped },
);

describe('a database pin store seeded from a committed lockfile', () => {
  it('imports the lockfile once (SQLite): later opens keep what the database holds, even a revocation', async () => {
    const dir = tempDir();
    const lockPath = join(dir, 'mcp.lock.json');
    const files = await entryFor('files', ['read']);
    await writeLockfile(lockPath, { ...emptyLockfile(), servers: { files, weather: await entryFor('weather', ['forecast']) } });
    const first = SqlitePinStore.open(join(dir, 'gateway.db'));
    expect(await first.seed(await readLockfile(lockPath), lockPath)).toBe(2);
    await first.update('weather', () => undefined);
    await first.close();
    const again = SqlitePinStore.open(join(dir, 'gateway.db'));
    expect(await again.seed(await readLockfile(lockPath), lockPath)).toBe(0);
    expect(Object.keys((await again.load()).servers)).toEqual(['files']);
    await again.close();
  });

  it.skipIf(pgSkipped)('imports it once (PostgreSQL), however many replicas open at once', async () => {
    const schema = uniqueName('seed');
    schemas.push(schema);
    const lock = { ...emptyLockfile(), servers: { files: await entryFor('files', ['read']) } };
    const stores = await Promise.all([0, 1, 2].map(() => PostgresPinStore.open(POSTGRES_URL, { schema })));
    const imported = await Promise.all(stores.map((s) => s.seed(lock, 'mcp.lock.json')));
    expect(imported.sort()).toEqual([0, 0, 1]);
    expect(await stores[0]!.load()).toEqual(lock);
    for (const s of stores) await s.close();
  });
});

describe.skipIf(pgSkipped)('PostgresPinStore notices', () => {
  it('announces a first pin and an approval with the server, and nothing for a pin that lost', async () => {
    const schema = uniqueName('pinnote');
    schemas.push(schema);
    const bus = await PostgresChangeBus.open(POSTGRES_URL, { channel: schema });
    const heard: ChangeMessage[] = [];
    bus.subscribe((m) => heard.push(m));
    const store = await PostgresPinStore.open(POSTGRES_URL, { schema, notifyChannel: schema });
    await store.pinIfAbsent('files', await entryFor('files', []));
    await store.pinIfAbsent('files', await entryFor('files', ['other']));
    await store.update('files', () => entryFor('files', ['read']));
    // A marker sent after both writes: once it is heard, every earlier notice has been (one connection, in order).
    await sql('SELECT pg_notify($1, $2)', [schema, JSON.stringify({ type: 'resync', origin: 'marker' })]);
    const end = Date.now() + 15_000;
    while (!heard.some((m) => m.type === 'resync') && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual([{ type: 'trust-approved', server: 'files' }, { type: 'trust-approved', server: 'files' }, { type: 'resync' }]);
    await store.close();
    await bus.close();
  });

  it('refuses a schema or channel that is not a plain identifier', async () => {
    await expect(PostgresPinStore.open(POSTGRES_URL, { schema: 'x"; DROP TABLE y; --' })).rejects.toThrow(/schema must be a plain SQL identifier/);
    await expect(PostgresPinStore.open(POSTGRES_URL, { notifyChannel: 'a b' })).rejects.toThrow(/notifyChannel must be a plain SQL identifier/);
  });
});
