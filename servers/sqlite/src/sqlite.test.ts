/**
 * mcpkit-sqlite end to end: the built binary driven by mcpkit's client over stdio (and once over HTTP).
 * @module
 */
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@mcpkit/client';
import { BIN, type ToolResult, call, connectHttp, connectStdio, fingerprint, makeFixture, runToExit, slowRunnerStart, startHttp, textOf } from './test-support.js';

const fixture = makeFixture();
afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));

describe('mcpkit-sqlite, read-only (stdio)', () => {
  let client: Client;
  const before = fingerprint(fixture.db);
  beforeAll(async () => {
    client = await connectStdio([fixture.db, '--max-rows', '50']);
  });
  afterAll(async () => {
    await client.close();
    expect(fingerprint(fixture.db)).toEqual(before);
  });

  it('offers list_tables, describe_table and query, but no execute', async () => {
    const names = (await client.listTools()).map((t) => t.name).sort();
    expect(names).toEqual(['describe_table', 'list_tables', 'query']);
  });

  it('lists tables and views, leaving out SQLite internals', async () => {
    const result = await call(client, 'list_tables', {});
    expect(result.structuredContent).toEqual({
      tables: [
        { name: 'big_orders', type: 'view' },
        { name: 'customers', type: 'table' },
        { name: 'odd "name" [x]', type: 'table' },
        { name: 'orders', type: 'table' },
        { name: 't', type: 'table' },
      ],
    });
    expect(textOf(result)).toContain('orders (table)');
  });

  it('describes a table: columns, indexes, foreign keys, CREATE statement', async () => {
    const result = await call(client, 'describe_table', { table: 'ORDERS' });
    expect(result.isError).toBeFalsy();
    const d = result.structuredContent as { name: string; columns: Array<{ name: string; notNull: boolean; primaryKey: number }>; indexes: unknown[]; foreignKeys: unknown[] };
    expect(d.name).toBe('orders');
    expect(d.columns.map((c) => c.name)).toEqual(['id', 'customer_id', 'total', 'big', 'payload']);
    expect(d.columns[0]).toMatchObject({ primaryKey: 1 });
    expect(d.columns[1]).toMatchObject({ notNull: true });
    expect(d.indexes).toEqual([{ name: 'orders_by_customer', unique: false, origin: 'c', partial: false, columns: ['customer_id'] }]);
    expect(d.foreignKeys).toEqual([{ id: 0, from: 'customer_id', table: 'customers', to: 'id', onUpdate: 'NO ACTION', onDelete: 'CASCADE' }]);
    expect(textOf(result)).toContain('customer_id → customers(id)');
  });

  it('describes a table whose name needs quoting, without splicing it', async () => {
    const result = await call(client, 'describe_table', { table: 'odd "name" [x]' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ name: 'odd "name" [x]', columns: [{ name: 'v' }] });
  });

  it('answers a query with structured rows and a text table', async () => {
    const result = await call(client, 'query', { sql: 'SELECT id, name FROM t WHERE id >= ? ORDER BY id', params: [2] });
    expect(result.structuredContent).toEqual({ columns: ['id', 'name'], rows: [[2, 'beta'], [3, 'gamma']], rowCount: 2, truncated: false });
    expect(textOf(result)).toBe('id | name\n---+------\n2  | beta\n3  | gamma\n(2 rows)');
  });

  it('binds named parameters with any prefix, booleans as 0/1 and blobs from base64', async () => {
    const named = await call(client, 'query', { sql: 'SELECT :a AS a, @b AS b, $c AS c', params: { a: 1, '@b': true, $c: null } });
    expect(named.structuredContent?.rows).toEqual([[1, 1, null]]);
    const blob = await call(client, 'query', { sql: 'SELECT length(?) AS n, hex(?) AS h', params: [{ base64: 'AP8Q' }, { base64: 'AP8Q' }] });
    expect(blob.structuredContent?.rows).toEqual([[3, '00FF10']]);
  });

  it('keeps big integers exact, encodes blobs as base64 and non-finite reals as text', async () => {
    const result = await call(client, 'query', { sql: "SELECT big, payload, 1e999 AS inf FROM orders ORDER BY id" });
    expect(result.structuredContent?.rows).toEqual([
      ['9007199254740993', { base64: 'AP8Q', bytes: 3 }, 'Infinity'],
      ['-9007199254740993', null, 'Infinity'],
      [42, { base64: '', bytes: 0 }, 'Infinity'],
    ]);
    expect(textOf(result)).toContain('<blob 3 bytes>');
  });

  it('cuts a large result at the row cap and says so', async () => {
    const sql = 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT 1000) SELECT i FROM n';
    const result = await call(client, 'query', { sql });
    expect(result.structuredContent).toMatchObject({ rowCount: 50, truncated: true });
    expect(String(result.structuredContent?.note)).toContain('row cap of 50 rows');
    expect(textOf(result)).toMatch(/\(50 rows\) TRUNCATED: stopped at the row cap/);
  });

  it('reports SQLite errors as tool errors', async () => {
    const missing = await call(client, 'query', { sql: 'SELECT * FROM nowhere' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('no such table: nowhere');
    const params = await call(client, 'query', { sql: 'SELECT ?, ?', params: [1] });
    expect(params.isError).toBe(true);
    expect(textOf(params)).toMatch(/parameter/i);
  });

  it('serves the schema and each table as resources, with completions', async () => {
    const schema = await client.readResource('sqlite://schema');
    const text = (schema.contents[0] as { text: string }).text;
    expect(text).toContain('CREATE TABLE t (id INTEGER PRIMARY KEY');
    expect(text).toContain('CREATE INDEX orders_by_customer');
    const uris = (await client.listResources()).map((r) => r.uri);
    expect(uris).toEqual(expect.arrayContaining(['sqlite://schema', 'sqlite://table/orders', 'sqlite://table/odd%20%22name%22%20%5Bx%5D']));
    const table = await client.readResource('sqlite://table/t');
    const body = (table.contents[0] as { text: string; mimeType: string }).text;
    expect(body).toContain('- name TEXT NOT NULL DEFAULT \'unnamed\'');
    expect(body).toContain('alpha');
    const odd = await client.readResource('sqlite://table/odd%20%22name%22%20%5Bx%5D');
    expect((odd.contents[0] as { text: string }).text).toContain('odd');
    const completion = await client.complete({ type: 'ref/resource', uri: 'sqlite://table/{name}' }, { name: 'name', value: 'O' });
    expect(completion.values).toEqual(['odd "name" [x]', 'orders']);
  });

  it('answers an unknown table resource with resource-not-found', async () => {
    await expect(client.readResource('sqlite://table/nope')).rejects.toMatchObject({ message: expect.stringContaining('No table or view is named "nope"') });
  });

  it('offers a prompt that carries the schema', async () => {
    const prompt = await client.getPrompt('explore_data', { topic: 'big spenders' });
    expect(prompt.messages[0]?.content).toMatchObject({ type: 'resource', resource: { uri: 'sqlite://schema' } });
    expect(JSON.stringify(prompt.messages[1])).toContain('Focus on: big spenders.');
  });

  it('stops a statement that outruns the time limit, then serves the next call', async () => {
    const slow = await connectStdio([fixture.db, '--timeout-ms', '300']);
    try {
      const endless = await call(slow, 'query', { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c' });
      expect(endless.isError).toBe(true);
      expect(textOf(endless)).toContain('ran longer than the 300 ms limit');
      const next = await call(slow, 'query', { sql: 'SELECT count(*) AS n FROM t' });
      expect(next.structuredContent?.rows).toEqual([[3]]);
    } finally {
      await slow.close();
    }
  });
});

describe('mcpkit-sqlite cancellation (issue 13)', () => {
  // The server's own limit. A cancel that is lost leaves the endless statement running that long, and every
  // later call waits behind it; the follow-up below is given half of it, so it fails only if that happens.
  const LIMIT_MS = 40_000;
  const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

  it.each(['stdio', 'http'] as const)(
    'honours a cancel that comes while the database process starts, so the next call is served (%s)',
    { timeout: LIMIT_MS + 20_000 },
    async (transport) => {
      // The database process takes 2 s to start, as on a busy machine, and the client gives up (and cancels)
      // after 400 ms: the cancel lands while it starts, whatever the speed of this machine.
      const env = { NODE_OPTIONS: slowRunnerStart(fixture.dir, 2000) };
      const args = [fixture.db, '--timeout-ms', String(LIMIT_MS)];
      const http = transport === 'http' ? await startHttp(args, env) : undefined;
      const client = http ? await connectHttp(http.url) : await connectStdio(args, env);
      try {
        await client.listTools();
        await expect(client.callTool('query', { sql: ENDLESS }, { timeoutMs: 400 })).rejects.toMatchObject({ code: 'MCPKIT_TIMEOUT' });
        const next = await client.callTool('query', { sql: 'SELECT 1 AS one' }, { timeoutMs: LIMIT_MS / 2 });
        expect((next as unknown as ToolResult).structuredContent?.rows).toEqual([[1]]);
      } finally {
        await client.close();
        http?.child.kill('SIGTERM');
      }
    },
  );

  it('stops the statement of a request cancelled while it runs, so the next call is served', { timeout: LIMIT_MS + 20_000 }, async () => {
    const client = await connectStdio([fixture.db, '--timeout-ms', String(LIMIT_MS)]);
    try {
      // The database process is up and idle, so the cancel below reaches a running statement.
      await call(client, 'list_tables', {});
      await expect(client.callTool('query', { sql: ENDLESS }, { timeoutMs: 400 })).rejects.toMatchObject({ code: 'MCPKIT_TIMEOUT' });
      const next = await client.callTool('query', { sql: 'SELECT count(*) AS n FROM t' }, { timeoutMs: LIMIT_MS / 2 });
      expect((next as unknown as ToolResult).structuredContent?.rows).toEqual([[3]]);
    } finally {
      await client.close();
    }
  });
});

describe('mcpkit-sqlite database process', () => {
  it('ends when the server dies in the middle of an endless statement', async () => {
    const server = spawn(process.execPath, [BIN, fixture.db, '--timeout-ms', '600000'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const send = (message: object) => server.stdin.write(`${JSON.stringify(message)}\n`);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'query', arguments: { sql: 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c' } } });
    const childOf = (pid: number) => execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim();
    let runner = '';
    while (!runner) {
      await new Promise((r) => setTimeout(r, 50));
      try {
        runner = childOf(server.pid!);
      } catch {
        // ps exits 1 while there is no child yet
      }
    }
    server.kill('SIGKILL');
    // Polls until the orphaned database process is gone; if it never goes, the test times out.
    for (;;) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        process.kill(Number(runner), 0);
      } catch {
        break;
      }
    }
  });
});

describe('mcpkit-sqlite --write (stdio)', () => {
  it('changes data through execute, one statement per call, and reports changes and RETURNING rows', async () => {
    const { db, dir } = makeFixture();
    const client = await connectStdio([db, '--write']);
    try {
      expect((await client.listTools()).map((t) => t.name)).toContain('execute');
      const inserted = await call(client, 'execute', { sql: 'INSERT INTO t (name) VALUES (?), (?) RETURNING id, name', params: ['delta', 'epsilon'] });
      expect(inserted.structuredContent).toMatchObject({ changes: 2, lastInsertRowid: 5, columns: ['id', 'name'], rows: [[4, 'delta'], [5, 'epsilon']] });
      const updated = await call(client, 'execute', { sql: 'UPDATE t SET name = upper(name) WHERE id <= 2' });
      // Each call has its own connection, so last_insert_rowid() is 0 for a statement that inserted nothing.
      expect(updated.structuredContent).toMatchObject({ changes: 2, rows: [], lastInsertRowid: 0 });
      expect(textOf(updated)).toBe('2 rows changed; last insert rowid 0');
      const read = await call(client, 'query', { sql: 'SELECT name FROM t ORDER BY id' });
      expect(read.structuredContent?.rows).toEqual([['ALPHA'], ['BETA'], ['gamma'], ['delta'], ['epsilon']]);
      // query stays read-only in --write mode: its connection is opened read-only.
      const refused = await call(client, 'query', { sql: 'DELETE FROM t' });
      expect(refused.isError).toBe(true);
    } finally {
      await client.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('mcpkit-sqlite over Streamable HTTP', () => {
  it('prints its URL and serves the same tools', async () => {
    const { url, child } = await startHttp([fixture.db]);
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const client = await connectHttp(url);
      try {
        const result = await call(client, 'query', { sql: 'SELECT name FROM t ORDER BY id LIMIT 1' });
        expect(result.structuredContent?.rows).toEqual([['alpha']]);
        const refused = await call(client, 'query', { sql: 'DROP TABLE t' });
        expect(refused.isError).toBe(true);
      } finally {
        await client.close();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('mcpkit-sqlite command line', () => {
  it.each([
    [[], 'the database file is missing'],
    [['a.db', 'b.db'], 'one database file expected'],
    [['--bogus', 'a.db'], 'unknown option --bogus'],
    [['a.db', '--http', 'port'], '--http needs a whole number'],
    [['/nonexistent/dir/x.db'], 'Cannot open the database'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const { code, stdout, stderr } = await runToExit(args);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
    expect(stderr).toContain('usage: mcpkit-sqlite DB');
  });

  it('refuses a file that is not a SQLite database', async () => {
    const { code, stderr } = await runToExit([new URL(import.meta.url).pathname]);
    expect(code).toBe(2);
    expect(stderr).toContain('file is not a database');
  });
});
