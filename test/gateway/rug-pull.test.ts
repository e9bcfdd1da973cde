/**
 * A rug pull through the real gateway (issue 9): an upstream changes a tool after it was pinned; the gateway
 * quarantines it before any client can call the changed version, the audit log and metrics show it, and an
 * approval through the admin endpoint restores it. Also: a new server held until approved (onNew: quarantine).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';
import { connectClient } from './helpers.js';

const FIXTURE = join(ROOT, 'test', 'gateway', 'fixtures', 'rug-pull-server.mjs');

function configText(dir: string, onNew: 'pin' | 'quarantine'): string {
  return `listen: { host: 127.0.0.1, port: 0 }
servers:
  rug:
    command: ${process.execPath}
    args: [${FIXTURE}, ${join(dir, 'calls.txt')}, "2"]
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
scopes:
  admin: ["*"]
trust:
  lockfile: ./mcp.lock.json
  onDrift: quarantine-tool
  onNew: ${onNew}
  recheck: 0
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: warn
`;
}

function adminUrl(gateway: GatewayProcess, path: string): string {
  return gateway.url.replace(/\/mcp$/, path);
}

describe('a rug pull through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-rug-'));
  const config = join(dir, 'mcp.yaml');
  let gateway: GatewayProcess;
  let key: string;

  beforeAll(async () => {
    writeFileSync(config, configText(dir, 'pin'));
    key = await createKey(config, 'admin', 'ops');
    gateway = await startGatewayProcess(config);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pins on first use, quarantines the changed tool before any call reaches it, audits it, and restores it on approval', async () => {
    const client = await connectClient(gateway.url, key);
    try {
      await eventually(async () => {
        const names = (await client.listTools()).map((t) => t.name);
        return names.includes('rug__fetch_page') && names.includes('weather__get_weather');
      }, 'both servers to be listed');
      // Trust on first use wrote the lockfile with the harmless definition.
      await eventually(() => existsSync(join(dir, 'mcp.lock.json')), 'the lockfile');
      const lock = JSON.parse(readFileSync(join(dir, 'mcp.lock.json'), 'utf8')) as { servers: Record<string, { tools: Record<string, { definition: { description: string } }> }> };
      expect(lock.servers.rug?.tools.fetch_page?.definition.description).toBe('Fetches a web page and returns its text.');

      for (const n of [1, 2]) {
        const result = await client.callTool('rug__fetch_page', { url: `https://example.com/${n}` });
        expect(result.content).toEqual([{ type: 'text', text: `page https://example.com/${n} (call ${n})` }]);
      }
      // The second call changed the tool. The very next call is refused: the changed version is never called.
      const refused = await client.callTool('rug__fetch_page', { url: 'https://example.com/3' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(ProtocolError);
      expect((refused as ProtocolError).message).toMatch(/rug__fetch_page: tool quarantined: tool "fetch_page" changed since it was approved \(\/description\)/);
      expect((await client.callTool('rug__calls', {})).content).toEqual([{ type: 'text', text: '2' }]);
      expect((await client.listTools()).map((t) => t.name)).not.toContain('rug__fetch_page');
      expect((await client.listTools()).map((t) => t.name)).toContain('weather__get_weather');

      // The audit log and the metrics say what happened.
      const audit = await mcpkit(['audit', 'query', '--config', config, '--method', 'trust/drift', '--json']);
      const drift = JSON.parse(audit.stdout) as Array<{ upstream: string; target: string; reason: string }>;
      expect(drift).toEqual([expect.objectContaining({ upstream: 'rug', target: 'tool:fetch_page', reason: expect.stringMatching(/^quarantined: tool "fetch_page" changed/) })]);
      const metrics = await (await fetch(adminUrl(gateway, '/metrics'))).text();
      expect(metrics).toMatch(/mcpkit_gateway_trust_drift_total\{upstream="rug",action="quarantine-tool"\} 1/);

      // The admin endpoint shows the verdict, and refuses callers without the admin scope.
      const status = (await (await fetch(adminUrl(gateway, '/admin/trust'), { headers: { 'x-api-key': key } })).json()) as { servers: Array<{ server: string; quarantined: Record<string, string> }> };
      expect(status.servers.find((s) => s.server === 'rug')?.quarantined['tool:fetch_page']).toMatch(/changed since it was approved/);
      expect((await fetch(adminUrl(gateway, '/admin/trust'))).status).toBe(401);

      // Approving the new definition restores the tool.
      const approved = await fetch(adminUrl(gateway, '/admin/trust/approve'), {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ server: 'rug', item: 'fetch_page' }),
      });
      expect(approved.status).toBe(200);
      expect(await approved.json()).toMatchObject({ approved: { server: 'rug', item: 'fetch_page', by: 'key:ops' }, blocked: null, quarantined: {} });
      expect((await client.listTools()).map((t) => t.name)).toContain('rug__fetch_page');
      const after = await client.callTool('rug__fetch_page', { url: 'https://example.com/4' });
      expect(after.content).toEqual([{ type: 'text', text: 'page https://example.com/4 (call 3)' }]);
      const relocked = JSON.parse(readFileSync(join(dir, 'mcp.lock.json'), 'utf8')) as typeof lock & { servers: Record<string, { tools: Record<string, { approvedBy: string }> }> };
      expect(relocked.servers.rug?.tools.fetch_page?.definition.description).toMatch(/<IMPORTANT>/);
      expect(relocked.servers.rug?.tools.fetch_page?.approvedBy).toBe('key:ops');
      expect((await mcpkit(['audit', 'verify', '--config', config])).code).toBe(0);
    } finally {
      await client.close();
    }
  });
});

describe('a server the lockfile does not know, with onNew: quarantine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-rug-new-'));
  const config = join(dir, 'mcp.yaml');
  let gateway: GatewayProcess;
  let key: string;

  beforeAll(async () => {
    writeFileSync(config, configText(dir, 'quarantine'));
    key = await createKey(config, 'admin', 'ops');
    gateway = await startGatewayProcess(config);
  }, 60_000);

  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('offers nothing of it, refuses its tools saying why, and serves it once the whole server is approved', async () => {
    const client = await connectClient(gateway.url, key);
    try {
      await eventually(async () => {
        const res = await fetch(adminUrl(gateway, '/admin/trust'), { headers: { 'x-api-key': key } });
        const body = (await res.json()) as { servers: Array<{ server: string; blocked: string | null }> };
        return body.servers.filter((s) => s.blocked !== null).length === 2;
      }, 'both servers to be checked and held');
      expect(await client.listTools()).toEqual([]);
      await expect(client.callTool('weather__get_weather', { city: 'Oslo' })).rejects.toThrow(/server weather is blocked: server "weather" is not approved yet/);
      const approved = await fetch(adminUrl(gateway, '/admin/trust/approve'), {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify({ server: 'weather' }),
      });
      expect(approved.status).toBe(200);
      expect((await client.listTools()).map((t) => t.name).sort()).toEqual(['weather__get_forecast', 'weather__get_weather']);
      expect(JSON.stringify((await client.callTool('weather__get_weather', { city: 'Oslo' })).content)).toContain('Oslo');
    } finally {
      await client.close();
    }
  });
});
