/**
 * mcpkit-sqlite under attack, in both modes: every attempt to write through query, escape the database file,
 * or inject through a table name is refused with a clear tool error, and the database stays byte-identical.
 * @module
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@mcpkit/client';
import { call, connectStdio, fingerprint, makeFixture, textOf } from './test-support.js';

const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Statements that change the database; `query` must refuse each of them in both modes. */
const WRITES: Array<[string, string]> = [
  ['INSERT', "INSERT INTO t (name) VALUES ('evil')"],
  ['UPDATE', "UPDATE t SET name = 'evil'"],
  ['DELETE', 'DELETE FROM t'],
  ['DROP', 'DROP TABLE t'],
  ['CREATE', 'CREATE TABLE evil (x)'],
  ['a CTE with a write', 'WITH x AS (SELECT 1) DELETE FROM t'],
  ['INSERT … RETURNING (returns rows, still a write)', "INSERT INTO t (name) VALUES ('evil') RETURNING id"],
  ['PRAGMA user_version=5', 'PRAGMA user_version = 5'],
  ['PRAGMA journal_mode=DELETE', 'PRAGMA journal_mode = DELETE'],
  ['PRAGMA journal_mode=WAL', 'PRAGMA journal_mode = WAL'],
  ['VACUUM', 'VACUUM'],
  ['REPLACE', "REPLACE INTO t (id, name) VALUES (1, 'evil')"],
];

/** Names that would do harm if spliced into SQL. */
const INJECTIONS = ['t; DROP TABLE t', "t' OR '1'='1", '"t"', '[t]', '`t`', 't"; DROP TABLE t; --', "t'); DROP TABLE t; --", 'sqlite_schema', 'main.t'];

describe.each([
  ['read-only', [] as string[]],
  ['--write', ['--write']],
])('attacks on mcpkit-sqlite %s', (mode, extra) => {
  const fixture = makeFixture();
  const before = fingerprint(fixture.db);
  const otherBefore = sha256(fixture.other);
  const vacuumTarget = join(fixture.dir, 'copy.db');
  let client: Client;

  beforeAll(async () => {
    client = await connectStdio([fixture.db, ...extra]);
  });
  afterAll(async () => {
    await client.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it.each(WRITES)('query refuses %s', async (_label, sql) => {
    const result = await call(client, 'query', { sql });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('query is read-only');
    expect(textOf(result)).toContain('Nothing was run');
  });

  it('query refuses VACUUM INTO another file, and no file appears', async () => {
    const result = await call(client, 'query', { sql: `VACUUM INTO '${vacuumTarget}'` });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('query is read-only');
    expect(existsSync(vacuumTarget)).toBe(false);
  });

  it('refuses more than one statement, running none of them', async () => {
    for (const sql of ['SELECT 1; DROP TABLE t', 'SELECT 1; SELECT 2', "SELECT 1; ATTACH 'x' AS y"]) {
      const result = await call(client, 'query', { sql });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('One statement per call');
    }
  });

  it('refuses ATTACH of another file, and nothing stays attached', async () => {
    for (const sql of [`ATTACH DATABASE '${fixture.other}' AS o`, `attach '${fixture.other}' as o`, `/* hi */ ATTACH ? AS o`]) {
      const result = await call(client, 'query', { sql, params: sql.includes('?') ? [fixture.other] : undefined });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('returns none (ATTACH, DETACH');
    }
    const leak = await call(client, 'query', { sql: 'SELECT * FROM o.secret' });
    expect(leak.isError).toBe(true);
    expect(textOf(leak)).toContain('no such table: o.secret');
    const databases = await call(client, 'query', { sql: 'SELECT name FROM pragma_database_list ORDER BY seq' });
    expect(databases.structuredContent?.rows).toEqual([['main']]);
    expect(sha256(fixture.other)).toBe(otherBefore);
  });

  it('refuses transaction control and connection settings in query', async () => {
    for (const sql of ['BEGIN IMMEDIATE', 'COMMIT', 'SAVEPOINT s', 'PRAGMA query_only = 0', 'PRAGMA writable_schema = ON', 'DETACH main']) {
      const result = await call(client, 'query', { sql });
      expect(result.isError, sql).toBe(true);
    }
  });

  it('cannot load an extension', async () => {
    const result = await call(client, 'query', { sql: "SELECT load_extension('x')" });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('not authorized');
  });

  it.each(INJECTIONS)('describe_table treats %j as a name, not SQL', async (name) => {
    const result = await call(client, 'describe_table', { table: name });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain(`No table or view is named ${JSON.stringify(name)}`);
  });

  it('the table resource treats an injected name as a name', async () => {
    for (const name of INJECTIONS) {
      await expect(client.readResource(`sqlite://table/${encodeURIComponent(name)}`)).rejects.toMatchObject({ message: expect.stringContaining('No table or view is named') });
    }
  });

  it(`leaves the database byte-identical (${mode})`, async () => {
    // Runs last in this block: every refusal above must have left the file as it was.
    expect(fingerprint(fixture.db)).toEqual(before);
    expect(existsSync(vacuumTarget)).toBe(false);
    const count = await call(client, 'query', { sql: 'SELECT count(*) FROM t' });
    expect(count.structuredContent?.rows).toEqual([[3]]);
  });
});

describe('execute is absent without --write', () => {
  it('answers a call to execute with unknown tool (-32602), and the data stays', async () => {
    const fixture = makeFixture();
    const before = fingerprint(fixture.db);
    const client = await connectStdio([fixture.db]);
    try {
      await expect(client.callTool('execute', { sql: 'DELETE FROM t' })).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('execute') });
    } finally {
      await client.close();
    }
    expect(fingerprint(fixture.db)).toEqual(before);
    rmSync(fixture.dir, { recursive: true, force: true });
  });
});

describe('execute with --write still refuses what reaches beyond the database', () => {
  const fixture = makeFixture();
  const before = fingerprint(fixture.db);
  const vacuumTarget = join(fixture.dir, 'copy.db');
  let client: Client;
  beforeAll(async () => {
    client = await connectStdio([fixture.db, '--write']);
  });
  afterAll(async () => {
    await client.close();
    rmSync(fixture.dir, { recursive: true, force: true });
  });

  it('refuses ATTACH and DETACH', async () => {
    for (const sql of [`ATTACH '${fixture.other}' AS o`, 'DETACH o']) {
      const result = await call(client, 'execute', { sql });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('SQLite reports that this one does not');
    }
    const leak = await call(client, 'query', { sql: 'SELECT * FROM o.secret' });
    expect(textOf(leak)).toContain('no such table: o.secret');
  });

  it('refuses VACUUM INTO, with the target as a literal or a parameter', async () => {
    for (const [sql, params] of [[`VACUUM INTO '${vacuumTarget}'`, undefined], ['VACUUM main INTO ?', [vacuumTarget]]] as const) {
      const result = await call(client, 'execute', { sql, params });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('VACUUM INTO writes a copy of the database to another file');
    }
    expect(existsSync(vacuumTarget)).toBe(false);
  });

  it('refuses more than one statement, reads, transaction control, connection PRAGMAs and load_extension', async () => {
    const multi = await call(client, 'execute', { sql: "INSERT INTO t (name) VALUES ('x'); DROP TABLE t" });
    expect(textOf(multi)).toContain('One statement per call');
    for (const sql of ['SELECT * FROM t', 'BEGIN', 'COMMIT', 'PRAGMA writable_schema = ON', 'PRAGMA trusted_schema = ON', "SELECT load_extension('x')"]) {
      const result = await call(client, 'execute', { sql });
      expect(result.isError, sql).toBe(true);
    }
  });

  it('left the database byte-identical', () => {
    expect(fingerprint(fixture.db)).toEqual(before);
  });
});

describe('PRAGMA writes with --write', () => {
  it('allows the PRAGMAs SQLite counts as writes through execute, never through query', async () => {
    const fixture = makeFixture();
    const client = await connectStdio([fixture.db, '--write']);
    try {
      expect((await call(client, 'query', { sql: 'PRAGMA user_version = 5' })).isError).toBe(true);
      const set = await call(client, 'execute', { sql: 'PRAGMA user_version = 5' });
      expect(set.isError).toBeFalsy();
      const mode = await call(client, 'execute', { sql: 'PRAGMA journal_mode = DELETE' });
      expect(mode.structuredContent).toMatchObject({ rows: [['delete']] });
      const read = await call(client, 'query', { sql: 'PRAGMA user_version' });
      expect(read.structuredContent?.rows).toEqual([[5]]);
    } finally {
      await client.close();
    }
    expect(fingerprint(fixture.db).userVersion).toBe(5);
    rmSync(fixture.dir, { recursive: true, force: true });
  });
});
