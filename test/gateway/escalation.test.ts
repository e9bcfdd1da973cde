/**
 * Scope escalation attempts against the real gateway (issue 8, "Done means": "scope escalation attempts"; "A
 * session-era session is bound to the principal that opened it: another principal presenting its
 * Mcp-Session-Id gets 404"): a reader limited to weather reaches for another server's prompts, resources,
 * templates, subscriptions and completions, and for another principal's session.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@mcpkit/client';
import { ProtocolError } from '@mcpkit/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, createKey, startGatewayProcess } from './harness.js';
import { connectClient, rejectionOf, waitForTools } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mcpkit-gateway-escalation-'));
const config = join(dir, 'mcp.yaml');
let gateway: GatewayProcess;
let reader: string;
let admin: string;

beforeAll(async () => {
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
scopes:
  reader: [weather__*]
  admin: ["*"]
audit:
  sqlite: ./state/audit.db
store:
  sqlite: ./state/gateway.db
logLevel: warn
`,
  );
  reader = await createKey(config, 'reader', 'reader');
  admin = await createKey(config, 'admin', 'admin');
  gateway = await startGatewayProcess(config);
  await waitForTools(gateway.url, admin, ['everything__echo', 'weather__get_weather'], 'both upstreams listed');
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** What a reader must not do, and an admin can (so a refusal is the scope's doing, not a broken request). */
const REACHES: Array<[string, string, Record<string, unknown>]> = [
  ['a prompt', 'prompts/get', { name: 'everything__greeting', arguments: { name: 'Ada' } }],
  ['a resource', 'resources/read', { uri: 'demo://readme' }],
  ['a resource through its template', 'resources/read', { uri: 'demo://items/2' }],
  ['a prompt completion', 'completion/complete', { ref: { type: 'ref/prompt', name: 'everything__greeting' }, argument: { name: 'style', value: 'f' } }],
  ['a template completion', 'completion/complete', { ref: { type: 'ref/resource', uri: 'demo://items/{id}' }, argument: { name: 'id', value: '1' } }],
  ['a tool', 'tools/call', { name: 'everything__echo', arguments: { text: 'x' } }],
];

async function withClient<T>(key: string, revision: string, run: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(gateway.url, key, revision);
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

describe.each(['2025-11-25', '2026-07-28'])('a reader limited to weather, %s', (revision) => {
  it.each(REACHES)('is refused %s of another server (which an admin gets)', async (_what, method, params) => {
    const granted = await withClient(admin, revision, (client) => client.request(method, params));
    expect(granted).toBeTypeOf('object');
    const error = await withClient(reader, revision, (client) => rejectionOf(client.request(method, params)));
    expect(error).toBeInstanceOf(ProtocolError);
    expect(error.message).toMatch(/^Forbidden: .*admin/);
  });

  it('sees none of the other server’s prompts, resources or templates in any list', async () => {
    await withClient(reader, revision, async (client) => {
      const all = JSON.stringify([
        await client.request('prompts/list', {}),
        await client.request('resources/list', {}),
        await client.request('resources/templates/list', {}),
        await client.request('tools/list', {}),
      ]);
      expect(all).not.toMatch(/everything|demo:\/\//);
      expect(all).toContain('weather__get_weather');
    });
  });
});

describe('session binding', () => {
  const headers = (key: string, session?: string) => ({
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'x-api-key': key,
    'mcp-protocol-version': '2025-11-25',
    ...(session ? { 'mcp-session-id': session } : {}),
  });
  const post = (key: string, body: unknown, session?: string) => fetch(gateway.url, { method: 'POST', headers: headers(key, session), body: JSON.stringify(body) });

  it('another principal presenting an admin’s Mcp-Session-Id gets 404, never the session', async () => {
    const init = await post(admin, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'escalation-test', version: '1' } },
    });
    expect(init.status).toBe(200);
    await init.text();
    const session = init.headers.get('mcp-session-id');
    expect(session).toBeTruthy();
    expect((await post(admin, { jsonrpc: '2.0', method: 'notifications/initialized' }, session!)).status).toBe(202);
    // The owner can use it.
    const own = await post(admin, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'everything__echo', arguments: { text: 'mine' } } }, session!);
    expect(own.status).toBe(200);
    expect(await own.text()).toContain('mine');
    // The reader cannot, not even to list.
    for (const body of [
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'everything__echo', arguments: { text: 'stolen' } } },
      { jsonrpc: '2.0', id: 4, method: 'tools/list', params: {} },
    ]) {
      const stolen = await post(reader, body, session!);
      expect(stolen.status).toBe(404);
      expect(await stolen.text()).not.toContain('stolen');
    }
    const get = await fetch(gateway.url, { headers: { ...headers(reader, session!), accept: 'text/event-stream' } });
    expect(get.status).toBe(404);
    await get.body?.cancel();
    const del = await fetch(gateway.url, { method: 'DELETE', headers: headers(reader, session!) });
    expect(del.status).toBe(404);
    // And the session still works for its owner after all that.
    const again = await post(admin, { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'everything__echo', arguments: { text: 'still mine' } } }, session!);
    expect(await again.text()).toContain('still mine');
  });
});
