/**
 * Signed manifests through the real gateway (issue 9): an upstream whose lockfile entry pins a signer must serve a
 * manifest that key signed for exactly what it serves (or it is blocked), and the gateway signs the manifest of the
 * aggregated view it serves.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, connectHttp } from '@mcpkit/client';
import { type SigningKey, digestServer, emptyLockfile, generateSigningKey, pinServer, serializeLockfile, verifyManifest } from '@mcpkit/trust';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, eventually, startGatewayProcess } from './harness.js';

const FIXTURE = join(ROOT, 'test', 'gateway', 'fixtures', 'signed-server.mjs');
const ECHO = { name: 'echo', description: 'Echoes the text.', inputSchema: { type: 'object', properties: { text: { type: 'string' } } } };

describe('signed manifests through the gateway', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-signed-'));
  const config = join(dir, 'mcp.yaml');
  let gateway: GatewayProcess;
  let client: Client;
  let upstreamKey: SigningKey;
  let otherKey: SigningKey;
  let gatewayKey: SigningKey;

  beforeAll(async () => {
    [upstreamKey, otherKey, gatewayKey] = await Promise.all([generateSigningKey('EdDSA'), generateSigningKey('ES256'), generateSigningKey('ES256')]);
    writeFileSync(join(dir, 'upstream.jwk'), JSON.stringify(upstreamKey.privateJwk));
    writeFileSync(join(dir, 'gateway.jwk'), JSON.stringify(gatewayKey.privateJwk));
    // Both upstreams serve the same tool; "good" pins the key that signs, "forged" pins another one.
    let lock = emptyLockfile();
    for (const [name, key] of [['good', upstreamKey], ['forged', otherKey]] as const) {
      const snapshot = { name, serverInfo: { name: 'signed', version: '1.0.0' }, tools: [ECHO], prompts: [], resourceTemplates: [] };
      lock = pinServer(lock, await digestServer(snapshot), snapshot, { by: 'test', signer: { issuer: 'npm:signed-echo', keys: [key.publicJwk] } });
    }
    writeFileSync(join(dir, 'mcp.lock.json'), serializeLockfile(lock));
    const server = `command: ${process.execPath}\n    args: [${FIXTURE}, ${join(dir, 'upstream.jwk')}, npm:signed-echo]`;
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: 0 }
servers:
  good:
    ${server}
  forged:
    ${server}
scopes:
  all: ["*"]
trust:
  lockfile: ./mcp.lock.json
  onNew: quarantine
  signingKey: \${file:gateway.jwk}
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: error
`,
    );
    const key = await createKey(config, 'all', 'reader');
    gateway = await startGatewayProcess(config);
    client = new Client({ name: 'manifest-test', version: '1' });
    await connectHttp(client, gateway.url, { headers: { 'X-API-Key': key }, legacyFallback: false });
    await eventually(async () => (await client.listTools()).length > 0, 'an upstream to be listed');
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await gateway?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the upstream whose manifest the pinned key signed, and blocks the one whose pinned key did not sign', async () => {
    expect((await client.listTools()).map((t) => t.name)).toEqual(['good__echo']);
    expect((await client.callTool('good__echo', { text: 'hi' })).content).toEqual([{ type: 'text', text: 'hi' }]);
    // Both upstreams start at once; wait until "forged" has connected and been checked.
    let refusal = '';
    await eventually(async () => {
      refusal = await client.callTool('forged__echo', { text: 'hi' }).then(
        () => 'served',
        (e: Error) => e.message,
      );
      return !refusal.includes('names no tool');
    }, 'the forged upstream to be checked');
    expect(refusal).toMatch(/server forged is blocked: its signed manifest does not hold: unknown-key/);
  });

  it('signs the manifest of its own aggregated view, verifiable with its public key', async () => {
    const published = (await client.request('mcpkit/manifest', {})) as unknown as { manifest: { server: string; tools: Array<{ name: string }> }; jws: string };
    expect(published.manifest.server).toBe(gateway.url);
    expect(published.manifest.tools.map((t) => t.name)).toEqual(['good__echo']);
    const verified = await verifyManifest(published.manifest, published.jws, { keys: [gatewayKey.publicJwk], expectedIssuer: gateway.url });
    expect(verified.ok).toBe(true);
    const wrong = await verifyManifest(published.manifest, published.jws, { keys: [otherKey.publicJwk], expectedIssuer: gateway.url });
    expect(wrong.ok).toBe(false);
  });
});
