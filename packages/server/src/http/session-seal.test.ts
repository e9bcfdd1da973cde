/**
 * Sealed session ids: the sealer on its own (tampering, keys, expiry), then two real HTTP servers sharing a key
 * behind a client whose requests alternate between them (a round-robin balancer with no stickiness).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { McpServer } from '../index.js';
import { type HttpServerHandle, serveHttp } from '../node/index.js';
import { MemorySessionRevocations, SessionSealer } from './session-seal.js';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!!';
const INIT = { protocolVersion: '2025-11-25', capabilities: { roots: {} }, clientInfo: { name: 't', version: '1' } };

describe('SessionSealer', () => {
  it('opens what it sealed, and two seals of the same state are different ids', async () => {
    const sealer = new SessionSealer({ keys: [{ id: 'k1', secret: SECRET }] });
    const a = await sealer.seal({ initialize: INIT, principalId: 'alice', issuedAt: 1000 * 1000 });
    const b = await sealer.seal({ initialize: INIT, principalId: 'alice', issuedAt: 1000 * 1000 });
    expect(a).not.toBe(b);
    expect(a).toMatch(/^mcp1\.k1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const opened = await new SessionSealer({ keys: [{ id: 'k1', secret: SECRET }], now: () => 1000 * 1000 + 5 }).open(a!);
    expect(opened).toEqual({ initialize: INIT, principalId: 'alice', issuedAt: 1000 * 1000 });
  });

  it('opens nothing tampered, truncated, foreign or expired', async () => {
    let now = 50_000;
    const sealer = new SessionSealer({ keys: [{ id: 'k1', secret: SECRET }], maxAgeMs: 10_000, now: () => now });
    const id = (await sealer.seal({ initialize: INIT, principalId: undefined, issuedAt: now }))!;
    const last = id.at(-2) === 'A' ? 'B' : 'A';
    expect(await sealer.open(id.slice(0, -2) + last + id.at(-1))).toBeUndefined();
    expect(await sealer.open(id.slice(0, -10))).toBeUndefined();
    expect(await sealer.open(id.replace('mcp1.k1.', 'mcp1.k2.'))).toBeUndefined();
    expect(await sealer.open('not-a-sealed-id')).toBeUndefined();
    expect(await sealer.open('mcp1.k1.%%%.%%%')).toBeUndefined();
    const other = new SessionSealer({ keys: [{ id: 'k1', secret: 'another-secret-of-at-least-32-bytes!!' }], now: () => now });
    expect(await other.open(id)).toBeUndefined();
    expect((await sealer.open(id))?.principalId).toBeUndefined();
    now += 10_001;
    expect(await sealer.open(id)).toBeUndefined();
  });

  it('rotates keys: seals with the first, opens with any', async () => {
    const old = new SessionSealer({ keys: [{ id: 'old', secret: SECRET }] });
    const id = (await old.seal({ initialize: INIT, principalId: 'p', issuedAt: Date.now() }))!;
    const rotated = new SessionSealer({ keys: [{ id: 'new', secret: 'the-next-secret-of-at-least-32-bytes!!' }, { id: 'old', secret: SECRET }] });
    expect((await rotated.open(id))?.principalId).toBe('p');
    expect(await rotated.seal({ initialize: INIT, principalId: 'p', issuedAt: Date.now() })).toMatch(/^mcp1\.new\./);
    const retired = new SessionSealer({ keys: [{ id: 'new', secret: 'the-next-secret-of-at-least-32-bytes!!' }] });
    expect(await retired.open(id)).toBeUndefined();
  });

  it('refuses bad keys, and leaves a too-large initialize unsealed', async () => {
    expect(() => new SessionSealer({ keys: [] })).toThrow(InvalidArgumentError);
    expect(() => new SessionSealer({ keys: [{ id: 'k', secret: 'short' }] })).toThrow(/at least 32 bytes/);
    expect(() => new SessionSealer({ keys: [{ id: 'bad id', secret: SECRET }] })).toThrow(/keys\[0\]\.id/);
    expect(() => new SessionSealer({ keys: [{ id: 'k', secret: SECRET }, { id: 'k', secret: SECRET }] })).toThrow(/duplicate/);
    const sealer = new SessionSealer({ keys: [{ id: 'k', secret: SECRET }], maxPayloadBytes: 200 });
    expect(await sealer.seal({ initialize: { ...INIT, clientInfo: { name: 'x'.repeat(300), version: '1' } }, principalId: undefined, issuedAt: 1 })).toBeUndefined();
  });
});

describe('sealed sessions over HTTP, two replicas, no stickiness', () => {
  const handles: HttpServerHandle[] = [];
  afterEach(async () => {
    await Promise.all(handles.splice(0).map((h) => h.close()));
  });

  function replica(name: string): McpServer {
    const server = new McpServer({ name, version: '1.0.0' });
    server.tool('whoami', {}, async (_args, ctx) => ({ content: [{ type: 'text', text: `${name} ${ctx.clientInfo?.name ?? '?'} ${ctx.protocolVersion}` }] }));
    return server;
  }

  // Keys as principals: "Bearer alice" is alice.
  const auth = { verifier: { verify: async (c: { token: string }) => ({ id: c.token, scopes: [] }) } };

  async function start(count: number, options: { revocations?: MemorySessionRevocations; auth?: boolean } = {}): Promise<string[]> {
    const revocations = options.revocations ?? new MemorySessionRevocations();
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      const h = await serveHttp(replica(`r${i}`), {
        gracefulShutdown: false,
        sealedSessions: { keys: [{ id: 'k1', secret: SECRET }], revocations },
        ...(options.auth ? { auth } : {}),
      });
      handles.push(h);
      urls.push(h.url);
    }
    return urls;
  }

  const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  async function rpc(url: string, body: object, headers: Record<string, string> = {}): Promise<{ status: number; json: any; session: string | null }> {
    const res = await fetch(url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined, session: res.headers.get('mcp-session-id') };
  }

  it('a session opened on one replica is served by the other, with what initialize negotiated', async () => {
    const [a, b] = await start(2);
    const init = await rpc(a!, { jsonrpc: '2.0', id: 1, method: 'initialize', params: INIT });
    expect(init.status).toBe(200);
    const session = init.session!;
    expect(session).toMatch(/^mcp1\.k1\./);
    const h = { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' };
    expect((await fetch(b!, { method: 'POST', headers: { ...HEADERS, ...h }, body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }) })).status).toBe(202);
    const call = await rpc(b!, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'whoami', arguments: {} } }, h);
    expect(call.json.result.content[0].text).toBe('r1 t 2025-11-25');
    const back = await rpc(a!, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'whoami', arguments: {} } }, h);
    expect(back.json.result.content[0].text).toBe('r0 t 2025-11-25');
    // Concurrent first requests on a third replica make one session there.
    const [c] = await start(1);
    const both = await Promise.all([1, 2, 3].map((n) => rpc(c!, { jsonrpc: '2.0', id: 10 + n, method: 'tools/list' }, h)));
    expect(both.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(handles[2]!.handler.sessionCount).toBe(1);
  });

  it('a session answers only its principal, on every replica', async () => {
    const [a, b] = await start(2, { auth: true });
    const init = await rpc(a!, { jsonrpc: '2.0', id: 1, method: 'initialize', params: INIT }, { authorization: 'Bearer alice' });
    const h = (who: string) => ({ 'mcp-session-id': init.session!, 'mcp-protocol-version': '2025-11-25', authorization: `Bearer ${who}` });
    expect((await rpc(b!, { jsonrpc: '2.0', id: 2, method: 'ping' }, h('mallory'))).status).toBe(404);
    expect(handles[1]!.handler.sessionCount).toBe(0);
    expect((await rpc(b!, { jsonrpc: '2.0', id: 3, method: 'ping' }, h('alice'))).status).toBe(200);
    expect((await rpc(b!, { jsonrpc: '2.0', id: 4, method: 'ping' }, h('mallory'))).status).toBe(404);
  });

  it('a DELETE on one replica ends the session on every replica sharing the revocations', async () => {
    const [a, b] = await start(2);
    const init = await rpc(a!, { jsonrpc: '2.0', id: 1, method: 'initialize', params: INIT });
    const h = { 'mcp-session-id': init.session!, 'mcp-protocol-version': '2025-11-25' };
    expect((await rpc(b!, { jsonrpc: '2.0', id: 2, method: 'ping' }, h)).status).toBe(200);
    expect((await fetch(b!, { method: 'DELETE', headers: h })).status).toBe(200);
    expect((await rpc(a!, { jsonrpc: '2.0', id: 3, method: 'ping' }, h)).status).toBe(404);
    expect((await rpc(b!, { jsonrpc: '2.0', id: 4, method: 'ping' }, h)).status).toBe(404);
    expect(handles[0]!.handler.sessionCount).toBe(0);
  });

  it('a forged, foreign or random id is an unknown session (404), and plain ids still work without sealing', async () => {
    const [a] = await start(1);
    const h = (id: string) => ({ 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' });
    const foreign = await new SessionSealer({ keys: [{ id: 'k1', secret: 'another-secret-of-at-least-32-bytes!!' }] }).seal({ initialize: INIT, principalId: undefined, issuedAt: Date.now() });
    for (const id of [foreign!, 'mcp1.k1.AAAA.BBBB', crypto.randomUUID()]) {
      const r = await rpc(a!, { jsonrpc: '2.0', id: 1, method: 'ping' }, h(id));
      expect(r.status).toBe(404);
      expect(r.json.error.message).toMatch(/Session not found/);
    }
    const plain = await serveHttp(new McpServer({ name: 'p', version: '1' }), { gracefulShutdown: false });
    handles.push(plain);
    const init = await rpc(plain.url, { jsonrpc: '2.0', id: 1, method: 'initialize', params: INIT });
    expect(init.session).toMatch(/^[0-9a-f-]{36}$/);
  });
});
