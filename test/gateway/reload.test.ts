/**
 * The gateway's lifecycle while it runs (issue 8: "Hot reload on file change and SIGHUP: atomic; a broken new
 * config leaves the running one in place and says why on stderr"; keys "revoke"): edits to mcp.yaml take effect
 * without a restart, a broken edit changes nothing, SIGHUP re-reads `${file:}` secrets the file watch cannot
 * see, and `mcpkit gateway keys revoke` cuts a key off within seconds, open sessions included.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { HOSTILE, connectClient, rejectionOf } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-reload-'));
const config = join(dir, 'mcp.yaml');
/** Outside the config's folder, so only SIGHUP (not the folder watch) notices a change. */
const secrets = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-secrets-'));
const keyFile = join(secrets, 'ci-key.txt');
const FILE_KEY_1 = 'mcpk_file_key_number_one_0123456789abcdef';
const FILE_KEY_2 = 'mcpk_file_key_number_two_0123456789abcdef';
let gateway: GatewayProcess;
let reader: string;
let admin: string;

function writeConfig(options: { extra?: boolean; readerGlobs: string }): void {
  const extra = options.extra ? `  extra:\n    command: ${process.execPath}\n    args: [${HOSTILE}]\n` : '';
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
${extra}keys:
  - id: ci
    key: \${file:${keyFile}}
    scopes: [reader]
scopes:
  reader: ${options.readerGlobs}
  all: ["*"]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
}

async function toolNames(key: string, revision = '2026-07-28'): Promise<string[]> {
  const client = await connectClient(gateway.url, key, revision);
  try {
    return (await client.listTools()).map((t) => t.name).sort();
  } finally {
    await client.close();
  }
}

async function call(key: string, tool: string, args: Record<string, unknown> = {}): Promise<unknown> {
  const client = await connectClient(gateway.url, key);
  try {
    return await client.callTool(tool, args);
  } finally {
    await client.close();
  }
}

/** A raw stateless `tools/list` POST; its HTTP status (401 for a refused key). */
async function statusWith(key: string): Promise<number> {
  const res = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'x-api-key': key, 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/list',
      params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
    }),
  });
  await res.arrayBuffer();
  return res.status;
}

beforeAll(async () => {
  mkdirSync(secrets, { recursive: true });
  writeFileSync(keyFile, `${FILE_KEY_1}\n`);
  writeConfig({ readerGlobs: '[weather__get_weather]' });
  reader = await createKey(config, 'reader', 'reader');
  admin = await createKey(config, 'all', 'admin');
  gateway = await startGatewayProcess(config);
  await eventually(async () => (await toolNames(reader)).includes('weather__get_weather'), 'the weather upstream up', 30_000);
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(secrets, { recursive: true, force: true });
});

describe('hot reload of mcp.yaml', () => {
  it('starts with the reader scope: one tool', async () => {
    expect(await toolNames(reader)).toEqual(['weather__get_weather']);
  });

  it('an edit that adds an upstream and widens a scope shows in tools/list and works, without a restart', async () => {
    const pid = gateway.child.pid;
    writeConfig({ extra: true, readerGlobs: '[weather__*, extra__ok]' });
    await eventually(async () => {
      const names = await toolNames(reader);
      return names.includes('extra__ok') && names.includes('weather__get_forecast');
    }, 'the new upstream and the wider scope', 30_000);
    expect(await toolNames(reader, '2025-11-25')).toEqual(['extra__ok', 'weather__get_forecast', 'weather__get_weather']);
    const result = (await call(reader, 'extra__ok')) as { content: Array<{ text: string }> };
    expect(result.content[0]?.text).toMatch(/^ok:\d+$/);
    expect(gateway.child.pid).toBe(pid);
    expect(gateway.child.exitCode).toBeNull();
  });

  it('an edit that narrows a scope refuses what it no longer allows', async () => {
    writeConfig({ extra: true, readerGlobs: '[weather__get_forecast]' });
    await eventually(async () => (await toolNames(reader)).join() === 'weather__get_forecast', 'the narrower scope', 30_000);
    const error = await rejectionOf(call(reader, 'weather__get_weather', { city: 'Paris' }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/Forbidden/);
  });

  it.each([
    ['YAML that does not parse', 'servers: [this is: not: valid\n', /the new configuration was not applied \(the running one stays\):\n.*mcp\.yaml/],
    ['a schema violation', `listen: { host: 127.0.0.1, port: 0 }\nservers:\n  weather: { command: 42 }\nscopes: { reader: ["*"] }\n`, /the new configuration was not applied \(the running one stays\):\n.*mcp\.yaml/],
    // The loader passes this one and building the scopes refuses it: that must happen before anything changes.
    [
      'a scope glob with an unknown kind prefix',
      `listen: { host: 127.0.0.1, port: 0 }\nservers:\n  weather: { command: ${process.execPath}, args: [-e, "setInterval(() => {}, 1000)"] }\nscopes:\n  reader: ["*"]\n  all: ["nonsense:*"]\n`,
      /reload failed: scopes\.all\[0\]: unknown kind prefix/,
    ],
  ] as const)('a broken edit (%s) leaves the running config in place, all of it, and says why on stderr', async (_what, text, complaint) => {
    const before = gateway.output().length;
    writeFileSync(config, text);
    await eventually(() => complaint.test(gateway.output().slice(before)), `the complaint on stderr, ${String(complaint)}`);
    // Still the last good config: the narrow scope, both upstreams as they were.
    expect(await toolNames(reader)).toEqual(['weather__get_forecast']);
    const names = await toolNames(admin);
    expect(names).toContain('extra__ok');
    expect(names).toContain('weather__get_weather');
    expect(await call(admin, 'weather__get_weather', { city: 'Paris' })).toMatchObject({ content: [{ type: 'text' }] });
    expect(gateway.child.exitCode).toBeNull();
  });

  it('a fixed file is applied again', async () => {
    writeConfig({ extra: true, readerGlobs: '[weather__*, extra__*]' });
    await eventually(async () => (await toolNames(reader)).includes('extra__hang'), 'the fixed config', 30_000);
  });

  it('SIGHUP re-reads ${file:} secrets that the file watch cannot see', async () => {
    expect(await statusWith(FILE_KEY_1)).toBe(200);
    writeFileSync(keyFile, `${FILE_KEY_2}\n`);
    // The folder watch sees only the config's folder: nothing changes until SIGHUP.
    await new Promise((r) => setTimeout(r, 500));
    expect(await statusWith(FILE_KEY_1)).toBe(200);
    gateway.child.kill('SIGHUP');
    await eventually(async () => (await statusWith(FILE_KEY_2)) === 200, 'the new file key to work after SIGHUP');
    expect(await statusWith(FILE_KEY_1)).toBe(401);
    expect(gateway.child.exitCode).toBeNull();
  });
});

describe('key revocation while the gateway runs', () => {
  it('mcpkit gateway keys revoke stops the key within 10 s, for new requests and for a session opened before', async () => {
    const key = await createKey(config, 'reader', 'soon-revoked');
    expect(await statusWith(key)).toBe(200);
    const session = await connectClient(gateway.url, key, '2025-11-25');
    try {
      expect(await session.callTool('extra__ok', {})).toMatchObject({ content: [{ type: 'text' }] });
      const revoked = await mcpkit(['gateway', 'keys', 'revoke', 'soon-revoked', '--config', config]);
      expect(revoked.code, revoked.stderr).toBe(0);
      const started = Date.now();
      // Polled at most every 250 ms, stopping at the first refusal (each 401 counts toward the brute-force brake).
      await eventually(
        async () => {
          await new Promise((r) => setTimeout(r, 250));
          return (await statusWith(key)) === 401;
        },
        'the revoked key to be refused',
        10_000,
      );
      expect(Date.now() - started).toBeLessThan(10_000);
      const error = await rejectionOf(session.callTool('extra__ok', {}));
      expect(error.message).toMatch(/401|revoked|Unauthorized/);
      // Other keys are untouched.
      expect(await statusWith(reader)).toBe(200);
    } finally {
      await session.close().catch(() => undefined);
    }
  });
});
