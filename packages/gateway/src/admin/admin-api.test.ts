// The gateway's admin endpoints for the audit log and API keys (issue 12: the inspector's gateway panes read
// them), over a real listener with a real SQLite audit log and key store: the admin scope is required, the audit
// tail and filter, chain verification (intact, then after an edit in the database), the key list without hashes,
// and a revocation that takes effect at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AuditLog, openAuditLog } from '../audit/index.js';
import { GatewayVerifier } from '../security/gateway-verifier.js';
import { KeyVerifier } from '../security/key-verifier.js';
import { SqliteKeyStore } from '../security/sqlite-key-store.js';
import { hashApiKey } from '../security/api-keys.js';
import { adminApi, adminHosts } from './admin-api.js';

describe('GET /admin/audit, GET /admin/keys, POST /admin/keys/revoke', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcpkit-admin-api-'));
  let audit: AuditLog;
  let store: SqliteKeyStore;
  let server: Server;
  let base: string;
  let adminKey: string;
  let userKey: string;
  const configAdmin = 'mcpkit_config_admin_key_for_tests_0123456789';

  beforeAll(async () => {
    audit = await openAuditLog({ sqlite: join(dir, 'audit.db') });
    for (let i = 1; i <= 30; i++) void audit.append({ method: 'tools/call', target: `fs__tool${i}`, principal: i % 3 === 0 ? 'key:ci' : 'key:ops', outcome: i % 5 === 0 ? 'error' : 'ok', durationMs: i });
    await audit.flush();
    store = SqliteKeyStore.open(join(dir, 'keys.db'));
    adminKey = (await store.create({ id: 'ops', scopes: ['admin'] })).key;
    userKey = (await store.create({ id: 'ci', scopes: ['tools'], description: 'the CI job' })).key;
    const configKeys = [{ id: 'yaml-admin', sha256: hashApiKey(configAdmin), scopes: ['admin'] }];
    const verifier = new GatewayVerifier(new KeyVerifier(configKeys, store), undefined);
    const listener = adminApi({ verifier, audit, keys: store, configKeys: () => configKeys, allowedHosts: adminHosts({ host: '127.0.0.1' }) });
    server = createServer(listener);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise<void>((r) => server?.close(() => r()));
    await audit?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (path: string, key = adminKey) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('needs credentials with the admin scope, and an allowed Host', async () => {
    expect((await fetch(`${base}/admin/audit`)).status).toBe(401);
    expect((await get('/admin/keys', 'mcpkit_not_a_key_at_all_0000000000000000')).status).toBe(401);
    expect(await get('/admin/audit', userKey)).toMatchObject({ status: 403, body: { error: 'this endpoint needs scope admin' } });
    expect((await get('/admin/keys', configAdmin)).status).toBe(200);
    // fetch will not send a foreign Host: a raw request does (DNS rebinding).
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: new URL(base).port, path: '/admin/keys', headers: { host: 'evil.example', authorization: `Bearer ${adminKey}` }, setHost: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
    expect((await fetch(`${base}/admin/keys`, { method: 'DELETE', headers: { authorization: `Bearer ${adminKey}` } })).status).toBe(405);
  });

  it('tails the audit log, filters it, pages forward, and refuses a bad filter', async () => {
    const { status, body } = await get('/admin/audit?limit=5');
    expect(status).toBe(200);
    expect((body.records as { seq: number }[]).map((r) => r.seq)).toEqual([26, 27, 28, 29, 30]);
    expect(body.head).toMatchObject({ seq: 30 });
    expect(body.verify).toBeUndefined();
    const errors = await get('/admin/audit?limit=1000&outcome=error');
    expect((errors.body.records as { target: string }[]).map((r) => r.target)).toEqual(['fs__tool5', 'fs__tool10', 'fs__tool15', 'fs__tool20', 'fs__tool25', 'fs__tool30']);
    const page = await get('/admin/audit?afterSeq=2&limit=2&principal=key:ci');
    expect((page.body.records as { seq: number }[]).map((r) => r.seq)).toEqual([3, 6]);
    for (const bad of ['limit=0', 'limit=abc', 'limit=5000', 'afterSeq=-1', 'outcome=maybe', 'since=yesterday']) {
      const r = await get(`/admin/audit?${bad}`);
      expect(`${bad} ${r.status}`).toBe(`${bad} 400`);
      expect(typeof r.body.error).toBe('string');
    }
  });

  it('verifies the chain on request, and names the first bad record after an edit in the database', async () => {
    expect((await get('/admin/audit?limit=1&verify=1')).body.verify).toMatchObject({ ok: true, count: 30 });
    const db = new Database(join(dir, 'audit.db'));
    db.prepare('UPDATE audit_log SET target = ? WHERE seq = 12').run('fs__rewritten');
    db.close();
    const { body } = await get('/admin/audit?limit=1&verify=1');
    expect(body.verify).toMatchObject({ ok: false, count: 11, firstBad: { seq: 12, reason: 'edited' } });
  });

  it('lists keys without their hashes, and revokes a store key at once', async () => {
    const { body } = await get('/admin/keys');
    const keys = body.keys as Record<string, unknown>[];
    expect(keys.map((k) => [k.id, k.source, k.state])).toEqual([
      ['yaml-admin', 'config', 'active'],
      ['ops', 'store', 'active'],
      ['ci', 'store', 'active'],
    ]);
    expect(keys[2]).toMatchObject({ scopes: ['tools'], description: 'the CI job' });
    expect(JSON.stringify(body)).not.toMatch(/sha256|[0-9a-f]{64}/);

    const revoke = (id: unknown, init: RequestInit = {}) =>
      fetch(`${base}/admin/keys/revoke`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ id }), ...init });
    expect((await revoke('nobody')).status).toBe(404);
    expect((await revoke(42)).status).toBe(400);
    expect((await revoke('yaml-admin')).status).toBe(409);
    expect((await revoke('ci', { headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await fetch(`${base}/admin/keys/revoke`, { method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: '{nope' })).status).toBe(400);
    // The CI key works (it is refused only for lacking the scope), then is revoked and refused outright.
    expect((await get('/admin/keys', userKey)).status).toBe(403);
    const res = await revoke('ci');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ revoked: { id: 'ci', by: 'key:ops', revokedAt: expect.any(Number) } });
    expect(await get('/admin/keys', userKey)).toMatchObject({ status: 401, body: { error: 'the API key is revoked' } });
    expect(((await get('/admin/keys')).body.keys as { id: string; state: string }[]).find((k) => k.id === 'ci')?.state).toBe('revoked');
  });
});
