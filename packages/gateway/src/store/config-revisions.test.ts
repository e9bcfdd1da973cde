// Config revisions (issue 10): the ConfigRevisionStore contract on SQLite and PostgreSQL, and what a gateway records
// of a real mcp.yaml (references, never the secrets they stand for).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../config/load.js';
import type { Logger } from '../log.js';
import { type ConfigRevisionStore, type NewConfigRevision, recordConfigRevision, revisionDigest } from './config-revisions.js';
import { PostgresConfigRevisions } from './postgres-config-revisions.js';
import { SqliteConfigRevisions } from './sqlite-config-revisions.js';
import { POSTGRES_URL, dropSchemas, skipPostgres, uniqueName } from './test-support/services.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-revisions-'));
const pgSkipped = await skipPostgres();
const schemas: string[] = [];
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchemas(schemas);
});

function revision(text: string, at = 1000): NewConfigRevision {
  return { digest: revisionDigest(text), text, source: '/srv/mcp.yaml', recordedBy: 'test', recordedAt: at };
}

/** Each call: a new handle on one fresh backend. */
const backends: Array<{ name: string; skip: boolean; site: () => () => Promise<ConfigRevisionStore> }> = [
  {
    name: 'SQLite',
    skip: false,
    site: () => {
      const path = join(dir, `${uniqueName('rev')}.db`);
      return async () => SqliteConfigRevisions.open(path);
    },
  },
  {
    name: 'PostgreSQL',
    skip: pgSkipped,
    site: () => {
      const schema = uniqueName('rev');
      schemas.push(schema);
      return () => PostgresConfigRevisions.open(POSTGRES_URL, { schema });
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`ConfigRevisionStore contract: ${backend.name}`, () => {
    it('numbers changes from 1, skips a load equal to the latest, lists newest first, and returns the text', async () => {
      const store = await backend.site()();
      expect(await store.get('latest')).toBeUndefined();
      expect(await store.list()).toEqual([]);
      expect(await store.record(revision('a: 1\n', 1000))).toEqual({ revision: 1, recorded: true });
      expect(await store.record(revision('a: 1\n', 2000))).toEqual({ revision: 1, recorded: false });
      expect(await store.record(revision('a: 2\n', 3000))).toEqual({ revision: 2, recorded: true });
      // Back to the first text: a new revision (the history shows the revert).
      expect(await store.record(revision('a: 1\n', 4000))).toEqual({ revision: 3, recorded: true });
      const list = await store.list();
      expect(list.map((r) => [r.revision, r.recordedAt])).toEqual([[3, 4000], [2, 3000], [1, 1000]]);
      expect(list[0]).toEqual({ revision: 3, digest: revisionDigest('a: 1\n'), source: '/srv/mcp.yaml', recordedBy: 'test', recordedAt: 4000 });
      expect(await store.list({ limit: 1 })).toHaveLength(1);
      expect((await store.get(2))?.text).toBe('a: 2\n');
      expect(await store.get('latest')).toEqual({ ...list[0], text: 'a: 1\n' });
      expect(await store.get(99)).toBeUndefined();
      await expect(store.list({ limit: 0 })).rejects.toThrow(/limit must be a positive integer/);
      await store.close();
    });

    it('records a text once when several replicas load it at once', async () => {
      const open = backend.site();
      const stores = await Promise.all([open(), open(), open(), open()]);
      await stores[0]!.record(revision('old\n'));
      const results = await Promise.all(stores.map((s) => s.record(revision('new\n'))));
      expect(results.filter((r) => r.recorded)).toEqual([{ revision: 2, recorded: true }]);
      expect(results.every((r) => r.revision === 2)).toBe(true);
      expect((await stores[1]!.list()).map((r) => r.revision)).toEqual([2, 1]);
      for (const s of stores) await s.close();
    });
  });
}

describe('recordConfigRevision', () => {
  const logs: string[] = [];
  const log = { info: (_o: unknown, m: string) => logs.push(`info ${m}`), warn: (_o: unknown, m: string) => logs.push(`warn ${m}`), debug: (_o: unknown, m: string) => logs.push(`debug ${m}`) } as unknown as Logger;

  it('records the file as written: references stay references, the secret values never reach the store', async () => {
    const secret = 'sk-test-0123456789abcdefghijklmnopqrstuvwxyz';
    writeFileSync(join(dir, 'token.txt'), `${secret}-from-file`);
    const file = join(dir, 'mcp.yaml');
    const text = `servers:\n  api:\n    url: https://api.example.com/mcp\n    headers: { Authorization: "Bearer \${env:MCPKIT_TEST_REV_TOKEN}" }\n  files:\n    command: node\n    args: [server.js]\n    env: { API_TOKEN: "\${file:token.txt}" }\nlogLevel: warn\n`;
    writeFileSync(file, text);
    process.env.MCPKIT_TEST_REV_TOKEN = secret;
    const config = await loadGatewayConfig(file);
    expect(JSON.stringify(config)).toContain(secret); // the running config holds the values…
    const dbPath = join(dir, 'secrets.db');
    const store = SqliteConfigRevisions.open(dbPath);
    expect(await recordConfigRevision(config, store, log)).toEqual({ revision: 1, recorded: true });
    const stored = (await store.get('latest'))!;
    expect(stored.text).toBe(text); // …the history holds the references
    expect(stored.digest).toBe(revisionDigest(text));
    expect(stored.source).toBe(file);
    expect(stored.recordedBy).toContain(`pid ${process.pid}`);
    // A replica (or a restart) loading the same file adds nothing.
    expect(await recordConfigRevision({ ...config, listen: { ...config.listen, port: 9999 } }, store, log)).toEqual({ revision: 1, recorded: false });
    await store.close();
    expect(readFileSync(dbPath).includes(secret)).toBe(false);
  });

  it('records nothing, with a log line, when the file changed since the load or cannot be read', async () => {
    const file = join(dir, 'changing.yaml');
    writeFileSync(file, 'logLevel: warn\n');
    const config = await loadGatewayConfig(file);
    writeFileSync(file, 'logLevel: error\n');
    const store = SqliteConfigRevisions.open(':memory:');
    logs.length = 0;
    expect(await recordConfigRevision(config, store, log)).toBeUndefined();
    expect(logs).toEqual(['warn configuration not recorded: its file changed since it was loaded (the next load records it)']);
    expect(await recordConfigRevision({ ...config, source: join(dir, 'gone.yaml') }, store, log)).toBeUndefined();
    expect(logs[1]).toBe('debug configuration not recorded: its file cannot be read');
    expect(await store.list()).toEqual([]);
    await store.close();
  });
});
