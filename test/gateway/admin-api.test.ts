/**
 * The admin API beside /admin/trust through the real gateway process (issue 12): the routes are registered on a
 * gateway without a trust section too, and answer only an admin key.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, startGatewayProcess } from './harness.js';
import { connectClient } from './helpers.js';

describe('GET /admin/audit, GET /admin/keys, POST /admin/keys/revoke on the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-admin-api-'));
  const config = join(dir, 'mcp.yaml');
  let gateway: GatewayProcess;
  let admin: string;
  let user: string;
  const at = (path: string) => gateway.url.replace(/\/mcp$/, path);

  beforeAll(async () => {
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: 0 }
servers:
  weather:
    command: ${process.execPath}
    args: [${ROOT}servers/weather/dist/bin.js]
scopes:
  admin: ["*"]
  tools: ["weather__*"]
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: warn
`,
    );
    admin = await createKey(config, 'admin', 'ops');
    user = await createKey(config, 'tools', 'ci');
    gateway = await startGatewayProcess(config);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the audit log and the keys to an admin key only, and revokes a key for good', async () => {
    const client = await connectClient(gateway.url, user);
    await client.listTools();
    await client.close();
    expect((await fetch(at('/admin/audit'))).status).toBe(401);
    expect((await fetch(at('/admin/audit'), { headers: { 'x-api-key': user } })).status).toBe(403);
    const audit = (await (await fetch(at('/admin/audit?verify=1'), { headers: { 'x-api-key': admin } })).json()) as { records: { principal: string; method: string }[]; verify: { ok: boolean } };
    expect(audit.records).toEqual(expect.arrayContaining([expect.objectContaining({ principal: 'key:ci', method: 'tools/list' })]));
    expect(audit.verify.ok).toBe(true);
    const keys = (await (await fetch(at('/admin/keys'), { headers: { authorization: `Bearer ${admin}` } })).json()) as { keys: { id: string; state: string }[] };
    expect(keys.keys.map((k) => `${k.id} ${k.state}`)).toEqual(['ops active', 'ci active']);
    const revoked = await fetch(at('/admin/keys/revoke'), { method: 'POST', headers: { 'x-api-key': admin, 'content-type': 'application/json' }, body: JSON.stringify({ id: 'ci' }) });
    expect(revoked.status).toBe(200);
    await expect(connectClient(gateway.url, user)).rejects.toThrow(/401|revoked/);
    // This gateway pins nothing: /admin/trust is not there.
    expect((await fetch(at('/admin/trust'), { headers: { 'x-api-key': admin } })).status).toBe(404);
  });
});
