// Loading real files: defaults, paths against the config's folder, ${file:} secrets, keys kept as hashes only.
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayConfigError } from './errors.js';
import { loadGatewayConfig } from './load.js';
import { parseGatewayConfig } from './parse.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function write(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

describe('loadGatewayConfig', () => {
  it('applies the defaults to an empty file', async () => {
    const path = write('empty.yaml', ['']);
    expect(await loadGatewayConfig(path, { env: {} })).toEqual({
      source: path,
      listen: { host: '127.0.0.1', port: 8080, path: '/mcp' },
      servers: {},
      keys: [],
      scopes: {},
      rateLimits: [],
      concurrency: { perPrincipal: 16, queue: 64, queueTimeoutMs: 30_000 },
      audit: { store: { sqlite: join(dir, '.mcpkit/audit.db') }, arguments: 'hash' },
      store: { sqlite: join(dir, '.mcpkit/gateway.db') },
      routes: [],
      logLevel: 'info',
      metrics: true,
    });
  });

  it('loads a full file: servers (with a merge key), keys as hashes, durations in ms, relative paths against its folder', async () => {
    mkdirSync(join(dir, 'secrets'), { recursive: true });
    writeFileSync(join(dir, 'secrets', 'ops.key'), 'ops-key-0123456789abcdef\n');
    writeFileSync(join(dir, 'secrets', 'client'), 'client-secret\r\n');
    const good = write('good.yaml', [
      'listen: {host: 0.0.0.0, port: 0, path: /gw, publicUrl: "https://gw.example/gw", tls: {cert: tls/cert.pem, key: /etc/tls/key.pem}}',
      'servers:',
      '  files: &files {command: node, args: [fs.js, "$${not-a-ref}"], env: {ROOT: "${env:ROOT}"}, cwd: work, idleTimeout: 10m, denyTools: [write_*], timeout: 2m, listTimeout: 1500}',
      '  files2: {<<: *files, timeout: 1s}',
      '  web:',
      '    url: "https://api.example/mcp"',
      '    headers: {Authorization: "Bearer ${env:API_TOKEN}"}',
      '    auth: {type: client_credentials, tokenUrl: "https://as.example/token", clientId: gw, clientSecret: "${file:secrets/client}"}',
      'keys:',
      '  - {id: ops, key: "${file:secrets/ops.key}", scopes: [all], expires: 2027-01-31}',
      `  - {id: ci, sha256: "${'AB'.repeat(32)}", scopes: [read]}`,
      'scopes: {all: ["*"], read: ["files__read_*", "web__get_*"]}',
      'rateLimits: [{per: principal, limit: 100, window: 1m}, {per: tool, limit: 5, window: 10s, tools: ["web__*"]}]',
      'concurrency: {perPrincipal: 4, queue: 0, queueTimeout: 250ms}',
      'audit: {postgres: "${env:PG_URL}", arguments: redact}',
      'oauth: {issuer: "https://as.example"}',
      'routes: [{path: /gw/read, servers: [files], tools: ["files__read_*"]}]',
      'logLevel: debug',
      'metrics: false',
    ]);
    const config = await loadGatewayConfig(good, { env: { ROOT: '/data', API_TOKEN: 'tok', PG_URL: 'postgres://u:p@db/audit' } });
    expect(config.listen).toEqual({ host: '0.0.0.0', port: 0, path: '/gw', publicUrl: 'https://gw.example/gw', tls: { cert: join(dir, 'tls/cert.pem'), key: '/etc/tls/key.pem' } });
    expect(config.servers.files).toEqual({
      name: 'files',
      transport: 'stdio',
      command: 'node',
      args: ['fs.js', '${not-a-ref}'],
      env: { ROOT: '/data' },
      cwd: join(dir, 'work'),
      idleTimeoutMs: 600_000,
      denyTools: ['write_*'],
      timeoutMs: 120_000,
      listTimeoutMs: 1500,
    });
    expect(config.servers.files2).toMatchObject({ command: 'node', timeoutMs: 1000, listTimeoutMs: 1500 });
    expect(config.servers.web).toEqual({
      name: 'web',
      transport: 'http',
      url: 'https://api.example/mcp',
      headers: { Authorization: 'Bearer tok' },
      auth: { type: 'client_credentials', tokenUrl: 'https://as.example/token', clientId: 'gw', clientSecret: 'client-secret' },
      timeoutMs: 60_000,
      listTimeoutMs: 5_000,
    });
    expect(config.keys).toEqual([
      { id: 'ops', sha256: sha('ops-key-0123456789abcdef'), scopes: ['all'], expiresAt: Date.UTC(2027, 0, 31) },
      { id: 'ci', sha256: 'ab'.repeat(32), scopes: ['read'] },
    ]);
    expect(JSON.stringify(config)).not.toContain('ops-key-0123456789abcdef');
    expect(config.rateLimits).toEqual([
      { per: 'principal', limit: 100, windowMs: 60_000 },
      { per: 'tool', limit: 5, windowMs: 10_000, tools: ['web__*'] },
    ]);
    expect(config.concurrency).toEqual({ perPrincipal: 4, queue: 0, queueTimeoutMs: 250 });
    expect(config.audit).toEqual({ store: { postgres: 'postgres://u:p@db/audit' }, arguments: 'redact' });
    expect(config.oauth).toEqual({ issuer: 'https://as.example', scopesClaim: 'scope', authorizationServers: ['https://as.example'] });
    expect(config.routes).toEqual([{ path: '/gw/read', servers: ['files'], tools: ['files__read_*'] }]);
    expect(config).toMatchObject({ logLevel: 'debug', metrics: false });
  });

  it('names the file when it cannot be read', async () => {
    const missing = join(dir, 'nope.yaml');
    const error = await loadGatewayConfig(missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayConfigError);
    expect((error as Error).message).toMatch(new RegExp(`^${missing} has a problem:\\n${missing}:1:1: cannot read the file: ENOENT`));
  });

  it('refuses a ${file:} that is not a small regular file', async () => {
    const text = 'keys: [{id: a, key: "${file:/dev/zero}", scopes: []}]\n';
    await expect(parseGatewayConfig(text, { path: join(dir, 'mcp.yaml') })).rejects.toThrow(
      'mcp.yaml:1:21: keys[0].key: ${file:/dev/zero}: cannot read /dev/zero: not a regular file',
    );
    writeFileSync(join(dir, 'big.key'), 'x'.repeat(1024 * 1024 + 1));
    await expect(parseGatewayConfig(text.replace('/dev/zero', 'big.key'), { path: join(dir, 'mcp.yaml') })).rejects.toThrow(/cannot read .*big\.key: larger than 1048576 bytes/);
  });

  it('passes numbers and booleans in args and env as the text they were written as', async () => {
    const config = await parseGatewayConfig('servers:\n  db: {command: x, args: [--port, 5432, --ro, true], env: {PORT: 5432, DEBUG: false}}\n', { path: join(dir, 'mcp.yaml') });
    expect(config.servers.db).toMatchObject({ args: ['--port', '5432', '--ro', 'true'], env: { PORT: '5432', DEBUG: 'false' } });
  });

  it('keys maps by names from the file without a prototype, so toString is just a name', async () => {
    const config = await parseGatewayConfig('scopes: {toString: ["*"]}\nservers: {constructor: {command: x}}\n', { path: join(dir, 'mcp.yaml') });
    expect(Object.getPrototypeOf(config.scopes)).toBeNull();
    expect(Object.getPrototypeOf(config.servers)).toBeNull();
    expect(config.scopes.toString).toEqual(['*']);
    expect(config.scopes.valueOf).toBeUndefined();
    expect(config.servers.constructor).toMatchObject({ name: 'constructor', transport: 'stdio' });
  });
});
