/**
 * Response guardrails through the real gateway (issue 9): secrets in upstream results are redacted (or the result
 * blocked), injection markers are reported, every finding is audited and counted; a clean result passes untouched.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, connectHttp } from '@mcpkit/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, mcpkit, startGatewayProcess } from './harness.js';

const FIXTURE = join(ROOT, 'test', 'gateway', 'fixtures', 'leaky-server.mjs');

function configText(secrets: string, injection: string): string {
  return `listen: { host: 127.0.0.1, port: 0 }
servers:
  leaky:
    command: ${process.execPath}
    args: [${FIXTURE}]
scopes:
  all: ["*"]
trust:
  lockfile: ./mcp.lock.json
  guardrails: { secrets: ${secrets}, injection: ${injection} }
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: error
`;
}

describe.each([
  ['redact', 'flag'],
  ['block', 'block'],
] as const)('guardrails with secrets: %s, injection: %s', (secrets, injection) => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-guard-'));
  const config = join(dir, 'mcp.yaml');
  let gateway: GatewayProcess;
  let client: Client;

  beforeAll(async () => {
    writeFileSync(config, configText(secrets, injection));
    const key = await createKey(config, 'all', 'reader');
    gateway = await startGatewayProcess(config);
    client = new Client({ name: 'guard-test', version: '1' });
    await connectHttp(client, gateway.url, { headers: { 'X-API-Key': key }, legacyFallback: false });
    await eventually(async () => (await client.listTools()).length === 3, 'the leaky server to be listed');
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('never lets the cloud key or the private key through', async () => {
    const result = await client.callTool('leaky__read_config', {});
    const text = JSON.stringify(result.content);
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).not.toContain('MIIEowIBAAKCAQEA');
    if (secrets === 'redact') {
      expect(result.isError).toBeFalsy();
      expect(text).toContain('region=eu-west-1');
      expect(text).toMatch(/\[REDACTED:aws-access-key-id\]/);
    } else {
      expect(result.isError).toBe(true);
    }
  });

  it('strips hidden text and reports (or blocks) injected instructions', async () => {
    const result = await client.callTool('leaky__fetch_page', {});
    const text = JSON.stringify(result.content);
    expect(text).not.toMatch(/[\u{E0000}-\u{E007F}]/u);
    if (injection === 'block') expect(result.isError).toBe(true);
    else expect(text).toContain('Welcome!');
  });

  it('checks resource reads too', async () => {
    const read = await client.readResource('file:///app/.env').then(
      (r) => JSON.stringify(r),
      (e: Error) => e.message,
    );
    expect(read).not.toContain('hunter2hunter2');
  });

  it('passes a clean result untouched, and audits and counts every finding', async () => {
    expect((await client.callTool('leaky__weather', {})).content).toEqual([{ type: 'text', text: 'Sunny, 21 °C.' }]);
    const audit = await mcpkit(['audit', 'query', '--config', config, '--method', 'trust/guardrail', '--json']);
    const records = JSON.parse(audit.stdout) as Array<{ target: string; outcome: string; reason: string }>;
    const targets = records.map((r) => r.target);
    expect(targets).toEqual(expect.arrayContaining(['leaky__read_config', 'leaky__fetch_page', 'file:///app/.env']));
    expect(targets).not.toContain('leaky__weather');
    expect(JSON.stringify(records)).not.toContain('AKIAIOSFODNN7EXAMPLE');
    if (secrets === 'block') expect(records.find((r) => r.target === 'leaky__read_config')?.outcome).toBe('refused');
    const metrics = await (await fetch(gateway.url.replace(/\/mcp$/, '/metrics'))).text();
    expect(metrics).toMatch(/mcpkit_gateway_guardrail_findings_total\{upstream="leaky",rule="MCP-R001"/);
  });
});
