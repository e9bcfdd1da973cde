// `storage:` and `sessions:` (issue 10): the keys other tools rely on, and how storage.postgres relates to store.
import { describe, expect, it } from 'vitest';
import { GatewayConfigError } from './errors.js';
import { parseGatewayConfig } from './parse.js';

const SECRET = 's'.repeat(32);
const env = { PG_URL: 'postgres://gw:pw@db:5432/gw', REDIS_URL: 'redis://:pw@cache:6379/2', SESSION_SECRET: SECRET, SHORT: 'x'.repeat(31), PG_PASSWORD: 'pw' };
const parse = (lines: string[]) => parseGatewayConfig(lines.join('\n'), { path: '/cfg/mcp.yaml', env });

async function refusal(lines: string[]): Promise<string[]> {
  const error = await parse(lines).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(GatewayConfigError);
  return (error as Error).message.split('\n').slice(1);
}

describe('storage and sessions in mcp.yaml', () => {
  it('reads storage.postgres, storage.redis and sessions.secret; storage.postgres becomes the store', async () => {
    const config = await parse(['storage: {postgres: "${env:PG_URL}", redis: "${env:REDIS_URL}"}', 'sessions: {secret: "${env:SESSION_SECRET}"}']);
    expect(config.storage).toEqual({ postgres: env.PG_URL, redis: env.REDIS_URL, redisPrefix: 'mcpkit:', redisFailMode: 'closed' });
    expect(config.store).toEqual({ postgres: env.PG_URL });
    expect(config.sessions).toEqual({ secret: SECRET });
  });

  it('leaves both sections absent by default, with SQLite as the store', async () => {
    const config = await parse(['logLevel: info']);
    expect(config.storage).toBeUndefined();
    expect(config.sessions).toBeUndefined();
    expect(config.store).toEqual({ sqlite: '/cfg/.mcpkit/gateway.db' });
  });

  it('takes redis alone, keeping keys in store, and a chosen fail mode', async () => {
    const config = await parse(['storage: {redis: "redis://cache:6379", redisPrefix: "staging:", redisFailMode: open}', 'store: {sqlite: state/gw.db}']);
    expect(config.storage).toEqual({ redis: 'redis://cache:6379', redisPrefix: 'staging:', redisFailMode: 'open' });
    expect(config.store).toEqual({ sqlite: '/cfg/state/gw.db' });
  });

  it('accepts store.postgres equal to storage.postgres', async () => {
    const config = await parse(['storage: {postgres: "${env:PG_URL}"}', 'store: {postgres: "${env:PG_URL}"}']);
    expect(config.store).toEqual({ postgres: env.PG_URL });
  });

  it('refuses a store that conflicts with storage.postgres, naming both fields', async () => {
    expect(await refusal(['storage: {postgres: "${env:PG_URL}"}', 'store: {sqlite: gw.db}'])).toEqual([
      'mcp.yaml:1:21: storage.postgres: conflicts with store.sqlite: storage.postgres puts keys and gateway state in PostgreSQL; remove store.sqlite (or storage.postgres)',
    ]);
    expect(await refusal(['storage: {postgres: "${env:PG_URL}"}', 'store: {postgres: "postgres://gw:${env:PG_PASSWORD}@other/gw"}'])).toEqual([
      'mcp.yaml:1:21: storage.postgres: and store.postgres name different databases; keys and gateway state live in one: remove store.postgres (storage.postgres replaces it)',
    ]);
  });

  it('refuses a short, literal or missing session secret', async () => {
    expect(await refusal(['sessions: {secret: "${env:SHORT}"}'])).toEqual(['mcp.yaml:1:20: sessions.secret: is 31 bytes long; it needs at least 32 (e.g. openssl rand -base64 48)']);
    expect(await refusal([`sessions: {secret: ${SECRET}}`])).toEqual([
      'mcp.yaml:1:20: sessions.secret: must be a ${env:NAME} or ${file:PATH} reference: secrets are never written in the file',
    ]);
    expect(await refusal(['sessions: {}'])).toEqual(['mcp.yaml:1:11: sessions.secret: is required']);
  });

  it('refuses URLs of the wrong scheme without echoing them, passwords written in them, and unknown fail modes', async () => {
    const lines = await refusal([
      'storage:',
      '  postgres: "${env:REDIS_URL}"',
      '  redis: "redis://:hunter2@cache:6379"',
      '  redisFailMode: maybe',
    ]);
    expect(lines).toEqual([
      'mcp.yaml:3:10: storage.redis: has a password written in the file; write it as a ${env:NAME} or ${file:PATH} reference (or the whole URL as one)',
      'mcp.yaml:4:18: storage.redisFailMode: must be one of closed, open',
    ]);
    expect(await refusal(['storage: {postgres: "${env:REDIS_URL}", redis: "http://cache"}'])).toEqual([
      'mcp.yaml:1:21: storage.postgres: must be a postgres:// or postgresql:// URL',
      'mcp.yaml:1:48: storage.redis: must be a redis:// or rediss:// URL',
    ]);
  });
});
