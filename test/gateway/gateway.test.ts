/**
 * The gateway end to end: the real `mcpkit gateway` process in front of reference servers over stdio and HTTP,
 * called by mcpkit's client and the official SDK clients (v1 and v2) in both eras.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client as OfficialV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Transport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { Client as OfficialV2, StreamableHTTPClientTransport as V2Transport } from '@modelcontextprotocol/client';
import { Client, connectHttp } from '@mcpkit/client';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING_HTTP, type HttpServerProcess, spawnHttpServer } from '../interop/servers.js';
import { type GatewayProcess, ROOT, createKey, mcpkit, startGatewayProcess } from './harness.js';
import { waitForTools } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-'));
const config = join(dir, 'mcp.yaml');
let remote: HttpServerProcess;
let gateway: GatewayProcess;
let readerKey: string;
let adminKey: string;

function writeConfig(remoteUrl: string): void {
  writeFileSync(
    config,
    `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
  everything:
    command: ${process.execPath}
    args: [${ROOT}servers/everything/dist/bin.js]
  remote:
    url: ${remoteUrl}
    denyTools: [fail]
scopes:
  reader: [weather__*, remote__echo, "resource:weather__*"]
  admin: ["*"]
rateLimits:
  - per: tool
    limit: 3
    window: 1h
    tools: [weather__get_forecast]
audit:
  sqlite: ./state/audit.db
  arguments: redact
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
}

async function ours(key: string | undefined, protocolVersion: string, handlers: ConstructorParameters<typeof Client>[1] = {}): Promise<Client> {
  const client = new Client({ name: 'gateway-test', version: '1' }, { protocolVersion, ...handlers });
  await connectHttp(client, gateway.url, { headers: key ? { 'X-API-Key': key } : {}, legacyFallback: false });
  return client;
}

beforeAll(async () => {
  remote = await spawnHttpServer(EVERYTHING_HTTP);
  writeConfig(remote.url.href);
  readerKey = await createKey(config, 'reader', 'reader');
  adminKey = await createKey(config, 'admin', 'admin');
  gateway = await startGatewayProcess(config);
  // The upstreams start in parallel with the gateway: wait until each one is listed.
  await waitForTools(gateway.url, adminKey, ['weather__get_weather', 'everything__echo', 'remote__echo'], 'every upstream to be listed');
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await remote?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('authentication', () => {
  it('refuses a request without a key with 401 and a resource_metadata challenge', async () => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer resource_metadata="/);
  });

  it('refuses a wrong key, and the client reports the failure', async () => {
    await expect(ours('mcpk_wrong', '2026-07-28')).rejects.toThrow(/401|not valid|Unauthorized/);
  });
});

describe.each(['2025-11-25', '2026-07-28'])('mcpkit client through the gateway, %s', (revision) => {
  it('lists only what the key’s scopes allow, under namespaced names', async () => {
    const reader = await ours(readerKey, revision);
    const admin = await ours(adminKey, revision);
    try {
      const readerTools = (await reader.listTools()).map((t) => t.name).sort();
      expect(readerTools).toEqual(['remote__echo', 'weather__get_forecast', 'weather__get_weather']);
      const adminTools = (await admin.listTools()).map((t) => t.name);
      expect(adminTools).toEqual(expect.arrayContaining(['everything__echo', 'everything__elicit_info', 'remote__add', 'weather__get_weather']));
      expect(adminTools).not.toContain('remote__fail');
      expect(adminTools).toContain('everything__fail');
    } finally {
      await Promise.all([reader.close(), admin.close()]);
    }
  });

  it('forwards calls to stdio and HTTP upstreams', async () => {
    const reader = await ours(readerKey, revision);
    try {
      const weather = await reader.callTool('weather__get_weather', { city: 'Paris' });
      expect(weather.isError).toBeFalsy();
      expect(JSON.stringify(weather.content)).toContain('Paris');
      const echo = await reader.callTool('remote__echo', { text: `via ${revision}` });
      expect(echo.content).toEqual([{ type: 'text', text: `via ${revision}` }]);
    } finally {
      await reader.close();
    }
  });

  it('refuses a call outside the scopes with an error naming the scope', async () => {
    const reader = await ours(readerKey, revision);
    try {
      const error = await reader.callTool('everything__echo', { text: 'x' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as ProtocolError).message).toMatch(/Forbidden.*admin/);
      // Name tricks do not widen access.
      for (const name of ['WEATHER__get_weather', 'weather__get_weather ', 'weаther__get_weather']) {
        await expect(reader.request('tools/call', { name, arguments: {} })).rejects.toThrow(/Forbidden|Invalid|names no tool/);
      }
    } finally {
      await reader.close();
    }
  });

  it('relays elicitation and sampling from a session-era upstream to the calling client', async () => {
    const asked: string[] = [];
    const admin = await ours(adminKey, revision, {
      handlers: {
        elicitation: (params) => {
          asked.push(`elicit:${params.message}`);
          return { action: 'accept', content: { name: 'Ada', age: 36 } };
        },
        sampling: () => {
          asked.push('sample');
          return { model: 'test-model', role: 'assistant', content: { type: 'text', text: 'sampled reply' } };
        },
      },
    });
    try {
      const elicited = await admin.callTool('everything__elicit_info', {});
      expect(JSON.stringify(elicited.content)).toContain('Ada');
      const sampled = await admin.callTool('everything__sample_llm', { prompt: 'hi', maxTokens: 10 });
      expect(JSON.stringify(sampled.content)).toContain('sampled reply');
      expect(asked.some((a) => a.startsWith('elicit:'))).toBe(true);
      expect(asked).toContain('sample');
    } finally {
      await admin.close();
    }
  });
});

describe.each(['2025-11-25', '2026-07-28'])('progress and logs relayed to the caller, %s', (revision) => {
  it('passes the upstream’s progress and its log messages (at the caller’s level) through', async () => {
    const admin = await ours(adminKey, revision);
    try {
      await admin.setLogLevel('notice');
      const logs: string[] = [];
      admin.on('log', (entry) => logs.push(`${entry.level}:${String(entry.data)}`));
      const progress: number[] = [];
      await admin.callTool('everything__long_running', { seconds: 0.2, steps: 3 }, { onProgress: (p) => progress.push(p.progress) });
      expect(progress.length).toBeGreaterThanOrEqual(3);
      await admin.callTool('everything__log_messages', {});
      expect(logs).toEqual(['notice:a notice message', 'warning:a warning message', 'error:a error message']);
    } finally {
      await admin.close();
    }
  });
});

describe('rate limits', () => {
  it('refuses past the limit with retryAfterMs, and HTTP 429 with Retry-After in the stateless era', async () => {
    const key = await createKey(config, 'reader', 'limited');
    const client = await ours(key, '2026-07-28');
    try {
      for (let i = 0; i < 3; i++) await client.callTool('weather__get_forecast', { city: 'Oslo', days: 1 });
      const error = await client.callTool('weather__get_forecast', { city: 'Oslo', days: 1 }).then(
        () => undefined,
        (e: unknown) => e as ProtocolError,
      );
      expect(error?.message).toMatch(/Rate limit exceeded/);
      expect((error?.data as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
      const res = await fetch(gateway.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-api-key': key,
          'mcp-protocol-version': '2026-07-28',
          'mcp-method': 'tools/call',
          'mcp-name': 'weather__get_forecast',
        },
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 9,
          method: 'tools/call',
          params: { name: 'weather__get_forecast', arguments: { city: 'Oslo', days: 1 }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } },
        }),
      });
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await client.close();
    }
  });
});

describe('official SDK clients through the gateway', () => {
  it('v1 (session era) lists, calls, and answers a relayed elicitation, with an API key', async () => {
    const client = new OfficialV1({ name: 'v1', version: '1' }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: { name: 'Alan', age: 41 } }));
    await client.connect(new V1Transport(new URL(gateway.url), { requestInit: { headers: { authorization: `Bearer ${adminKey}` } } }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('weather__get_weather');
      const result = await client.callTool({ name: 'remote__echo', arguments: { text: 'v1' } });
      expect(result.content).toEqual([{ type: 'text', text: 'v1' }]);
      expect(JSON.stringify((await client.callTool({ name: 'weather__get_weather', arguments: { city: 'Lima' } })).content)).toContain('Lima');
      expect(JSON.stringify((await client.callTool({ name: 'everything__elicit_info', arguments: {} })).content)).toContain('Alan');
    } finally {
      await client.close();
    }
  });

  it.each([
    ['session era', undefined],
    ['2026-07-28', { mode: { pin: '2026-07-28' } }],
  ] as const)('v2 in the %s lists, calls, and answers a relayed elicitation and sampling request', async (_era, versionNegotiation) => {
    const client = new OfficialV2({ name: 'v2', version: '1' }, { capabilities: { elicitation: {}, sampling: {} }, ...(versionNegotiation ? { versionNegotiation } : {}) });
    client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { name: 'Grace', age: 85 } }));
    client.setRequestHandler('sampling/createMessage', () => ({ model: 'v2-model', role: 'assistant', content: { type: 'text', text: 'v2 sampled' } }));
    await client.connect(new V2Transport(new URL(gateway.url), { requestInit: { headers: { 'x-api-key': adminKey } } }));
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('everything__elicit_info');
      const result = await client.callTool({ name: 'everything__elicit_info', arguments: {} });
      expect(JSON.stringify(result.content)).toContain('Grace');
      const sampled = await client.callTool({ name: 'everything__sample_llm', arguments: { prompt: 'hi', maxTokens: 5 } });
      expect(JSON.stringify(sampled.content)).toContain('v2 sampled');
    } finally {
      await client.close();
    }
  });
});

describe('the audit log', () => {
  it('has a record for every call and refusal, verified intact by the CLI, then names the record edited in the database', async () => {
    const ok = await mcpkit(['audit', 'verify', '--config', config]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/audit log intact: \d+ records/);
    const query = await mcpkit(['audit', 'query', '--config', config, '--method', 'tools/call', '--json', '--limit', '1000']);
    const records = JSON.parse(query.stdout) as Array<{ outcome: string; reason?: string; arguments: unknown; principal: string }>;
    expect(records.some((r) => r.outcome === 'refused' && r.reason === 'scope')).toBe(true);
    expect(records.some((r) => r.outcome === 'refused' && r.reason === 'rate_limit')).toBe(true);
    expect(records.some((r) => r.outcome === 'ok' && r.principal === 'key:reader')).toBe(true);
    // arguments: redact keeps the shape, never the values.
    expect(JSON.stringify(records)).not.toContain('Paris');
    const db = new Database(join(dir, 'state', 'audit.db'));
    try {
      const target = db.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number } | undefined;
      expect(target?.seq).toBeGreaterThan(3);
      db.prepare("UPDATE audit_log SET principal = 'key:someone-else' WHERE seq = 3").run();
    } finally {
      db.close();
    }
    const bad = await mcpkit(['audit', 'verify', '--config', config]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/record 3 \(edited\)/);
  });
});
