// Where a gateway keeps pins and config revisions for its configuration (issue 10): the trust.pins default rule,
// the one-time import of a lockfile, and a lockfile that cannot be imported.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { parseGatewayConfig } from '../config/parse.js';
import { writeLockfile } from './lockfile-pin-store.js';
import { openGatewayStores } from './open.js';
import { openStateStores } from './open-state.js';
import { redactUrl } from './sql.js';
import { entryFor } from './test-support/pin-store-contract.js';
import { POSTGRES_URL, dropSchemas, skipPostgres, uniqueName } from './test-support/services.js';

const pgSkipped = await skipPostgres();
const root = mkdtempSync(join(tmpdir(), 'mcpkit-state-'));
const schemas: string[] = [];
afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await dropSchemas(schemas);
});

/** A fresh folder with `mcp.yaml` holding `yaml`, parsed. */
async function configIn(yaml: string) {
  const dir = join(root, uniqueName('c'));
  mkdirSync(dir);
  return { dir, config: await parseGatewayConfig(yaml, { path: join(dir, 'mcp.yaml'), env: {} }) };
}

/** The test database with its search path set to a fresh schema (the stores' tables land there). */
async function schemaUrl(): Promise<string> {
  const schema = uniqueName('state');
  schemas.push(schema);
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

describe('trust.pins', () => {
  it('is the lockfile for one process, and the gateway SQLite database when asked for', async () => {
    const { dir, config } = await configIn('trust: {}\n');
    expect(config.trust?.pins).toBe('lockfile');
    const state = await openStateStores(config);
    expect(state.pins?.kind).toBe('lockfile');
    expect(state.pins?.location).toBe(join(dir, 'mcp.lock.json'));
    await state.close();

    const asked = await configIn('trust: { pins: store }\n');
    const sqlite = await openStateStores(asked.config);
    expect(sqlite.pins?.kind).toBe('sqlite');
    expect(sqlite.pins?.location).toBe(join(asked.dir, '.mcpkit', 'gateway.db'));
    await sqlite.close();
  });

  it('opens no pin store without trust:, and refuses a value it does not know', async () => {
    const { config } = await configIn('logLevel: warn\n');
    const state = await openStateStores(config);
    expect(state.pins).toBeUndefined();
    await state.close();
    await expect(configIn('trust: { pins: redis }\n')).rejects.toThrow(/trust\.pins/);
  });

  it.skipIf(pgSkipped)('is PostgreSQL by default with storage.postgres, named without its password; lockfile when asked', async () => {
    const url = await schemaUrl();
    const { config } = await configIn(`storage: { postgres: "${url}" }\ntrust: {}\n`);
    expect(config.trust?.pins).toBe('store');
    const stores = await openGatewayStores(config);
    expect(stores.pins?.kind).toBe('postgres');
    expect(stores.pins?.location).toBe(redactUrl(url));
    expect(await stores.revisions.list()).toEqual([]);
    await stores.close();

    const file = await configIn(`storage: { postgres: "${url}" }\ntrust: { pins: lockfile }\n`);
    const state = await openStateStores(file.config);
    expect(state.pins?.kind).toBe('lockfile');
    await state.close();
  });
});

describe('a lockfile imported into the database', () => {
  it('is imported on the first open only', async () => {
    const { dir, config } = await configIn('trust: { pins: store }\n');
    const files = await entryFor('files', ['read']);
    await writeLockfile(join(dir, 'mcp.lock.json'), { lockfileVersion: 1, servers: { files } });
    const first = await openStateStores(config);
    expect((await first.pins!.load()).servers).toEqual({ files });
    await first.pins!.update('files', () => undefined);
    await first.close();
    const again = await openStateStores(config);
    expect((await again.pins!.load()).servers).toEqual({});
    await again.close();
  });

  it('that is malformed stops the open with an error naming it, closing what was opened', async () => {
    const { dir, config } = await configIn('trust: { pins: store }\n');
    writeFileSync(join(dir, 'mcp.lock.json'), '{"lockfileVersion": 1, "servers": {"files": {"digest": "nope"}}}');
    const error = await openGatewayStores(config).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toContain(join(dir, 'mcp.lock.json'));
    expect((error as Error).message).toContain('servers.files');
  });
});
