/**
 * The gateway's read-mostly admin endpoints beside `/admin/trust`: `GET /admin/audit` (recent audit records, a
 * filter, and on request the chain's verification), `GET /admin/keys` (API keys without their hashes) and
 * `POST /admin/keys/revoke` (`{"id": KEY_ID}`). Callers need a key or token with the `admin` scope.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditQuery } from '../audit/query.js';
import type { AuditOutcome } from '../audit/record.js';
import type { ConfigKey } from '../config/types.js';
import type { GatewayVerifier } from '../security/gateway-verifier.js';
import type { KeyStore } from '../security/key-store.js';
import { authorizeAdmin, sendJson } from './admin-auth.js';

export { adminHosts } from './admin-auth.js';

export interface AdminApiDeps {
  verifier: GatewayVerifier;
  audit: AuditLog;
  /** The durable key store (`mcpkit gateway keys create`). */
  keys: KeyStore;
  /** The keys written in mcp.yaml (read-only here: they are revoked by editing the file). */
  configKeys: () => readonly ConfigKey[];
  /** Host names accepted (DNS-rebinding protection); undefined accepts any. */
  allowedHosts: ReadonlySet<string> | undefined;
}

/** The paths {@link adminApi} answers. */
export const ADMIN_API_PATHS = ['/admin/audit', '/admin/keys', '/admin/keys/revoke'] as const;

const DEFAULT_RECORDS = 50;
const MAX_RECORDS = 1000;
const MAX_BODY = 16 * 1024;
const OUTCOMES = new Set(['ok', 'error', 'refused']);

function integer(params: URLSearchParams, name: string, min: number, max: number): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

/**
 * Answers `GET /admin/audit?limit&afterSeq&principal&method&target&outcome&since&until&verify`. With `afterSeq`
 * it pages forward from there (a tail); without, it looks at the last `limit` records of the log (filters apply
 * within them). `verify=1` also walks the whole chain and says whether it is intact, or names the first bad record.
 */
async function auditRoute(url: URL, res: ServerResponse, audit: AuditLog): Promise<void> {
  const p = url.searchParams;
  const limit = integer(p, 'limit', 1, MAX_RECORDS) ?? DEFAULT_RECORDS;
  const head = await audit.head();
  const query: AuditQuery = { limit, afterSeq: integer(p, 'afterSeq', 0, Number.MAX_SAFE_INTEGER) ?? Math.max(0, head.seq - limit) };
  for (const field of ['principal', 'method', 'target', 'since', 'until'] as const) {
    const value = p.get(field);
    if (value !== null && value !== '') query[field] = value;
  }
  const outcome = p.get('outcome');
  if (outcome !== null && outcome !== '') {
    if (!OUTCOMES.has(outcome)) throw new InvalidArgumentError(`outcome must be ok, error or refused, got ${JSON.stringify(outcome)}`);
    query.outcome = outcome as AuditOutcome;
  }
  const records = await audit.query(query);
  const verify = p.get('verify') === '1' || p.get('verify') === 'true' ? await audit.verify({ expectHead: head }) : undefined;
  sendJson(res, 200, { head, records, ...(verify ? { verify } : {}) });
}

async function keysRoute(res: ServerResponse, deps: AdminApiDeps): Promise<void> {
  const now = Date.now();
  const state = (k: { expiresAt?: number | undefined; revokedAt?: number | undefined }) =>
    k.revokedAt !== undefined ? 'revoked' : k.expiresAt !== undefined && k.expiresAt <= now ? 'expired' : 'active';
  const fromConfig = deps.configKeys().map((k) => ({ id: k.id, source: 'config', scopes: k.scopes, ...(k.expiresAt !== undefined ? { expiresAt: k.expiresAt } : {}), state: state(k) }));
  // The hashes stay in the store: nothing here helps anyone present a key.
  const fromStore = (await deps.keys.list()).map(({ sha256: _hash, ...k }) => ({ ...k, source: 'store', state: state(k) }));
  sendJson(res, 200, { keys: [...fromConfig, ...fromStore] });
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new InvalidArgumentError(`the body exceeds ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (cause) {
    throw new InvalidArgumentError('the body is not JSON', { cause });
  }
}

async function revokeRoute(req: IncomingMessage, res: ServerResponse, deps: AdminApiDeps, by: string): Promise<void> {
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) return sendJson(res, 415, { error: 'Content-Type must be application/json' });
  const body = (await readJson(req)) as { id?: unknown } | null;
  const id = body?.id;
  if (typeof id !== 'string' || id === '') return sendJson(res, 400, { error: 'body.id must name a key' });
  if (deps.configKeys().some((k) => k.id === id)) return sendJson(res, 409, { error: `key ${id} is written in mcp.yaml: remove it from the file to revoke it` });
  // Through the verifier, so this process stops accepting the key at once (the store tells other replicas).
  if (!(await deps.verifier.keys.revoke(id))) return sendJson(res, 404, { error: `no key with id ${id}` });
  const record = (await deps.keys.list()).find((k) => k.id === id);
  sendJson(res, 200, { revoked: { id, revokedAt: record?.revokedAt ?? null, by } });
}

/** The listener for {@link ADMIN_API_PATHS}. */
export function adminApi(deps: AdminApiDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const principal = await authorizeAdmin(req, res, deps.verifier, deps.allowedHosts);
      if (!principal) return;
      const url = new URL(req.url ?? '/', 'http://gateway.invalid');
      const route = `${req.method ?? 'GET'} ${url.pathname}`;
      if (route === 'GET /admin/audit') return auditRoute(url, res, deps.audit);
      if (route === 'GET /admin/keys') return keysRoute(res, deps);
      if (route === 'POST /admin/keys/revoke') return revokeRoute(req, res, deps, principal.keyId ? `key:${principal.keyId}` : principal.id);
      sendJson(res, 405, { error: 'use GET /admin/audit, GET /admin/keys or POST /admin/keys/revoke' });
    })().catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      if (error instanceof InvalidArgumentError) return sendJson(res, 400, { error: error.message });
      sendJson(res, 500, { error: `the admin request failed: ${(error as Error).message}` });
    });
  };
}
