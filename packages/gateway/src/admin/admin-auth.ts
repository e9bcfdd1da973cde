/**
 * The admin endpoints' gate, as `/admin/trust` has it: an allowed Host, then credentials (`Authorization: Bearer`
 * or `X-API-Key`) the gateway's verifier accepts, then the `admin` scope.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthVerifier, Principal } from '@mcpkit/server';

/** The scope an admin caller needs. */
export const ADMIN_SCOPE = 'admin';

/** Host names a gateway on this listen address accepts; undefined accepts any (a public bind with no list). */
export function adminHosts(listen: { host: string; allowedHosts?: string[] | undefined }): ReadonlySet<string> | undefined {
  const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(listen.host);
  const hosts = listen.allowedHosts ?? (loopback ? ['localhost', '127.0.0.1', '[::1]'] : undefined);
  return hosts ? new Set(hosts.map((h) => h.toLowerCase())) : undefined;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function credentials(req: IncomingMessage): { token: string; source: 'authorization' | 'api-key' } | undefined {
  const auth = req.headers.authorization;
  const bearer = typeof auth === 'string' ? /^Bearer +([\x21-\x7e]+) *$/i.exec(auth)?.[1] : undefined;
  if (bearer) return { token: bearer, source: 'authorization' };
  const key = req.headers['x-api-key'];
  return typeof key === 'string' && key.trim() !== '' ? { token: key.trim(), source: 'api-key' } : undefined;
}

/**
 * The admin principal of the request, or undefined once a 403/401 has been sent.
 */
export async function authorizeAdmin(req: IncomingMessage, res: ServerResponse, verifier: AuthVerifier, allowedHosts: ReadonlySet<string> | undefined): Promise<Principal | undefined> {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  if (allowedHosts && !allowedHosts.has(host)) return void sendJson(res, 403, { error: `Host ${req.headers.host ?? '(missing)'} is not allowed` });
  const presented = credentials(req);
  if (!presented) return void sendJson(res, 401, { error: 'credentials are required (Authorization: Bearer KEY or X-API-Key)' });
  let principal: Principal;
  try {
    principal = await verifier.verify(presented, { header: (n) => (req.headers[n] as string | undefined) ?? null, remoteAddress: req.socket.remoteAddress ?? 'unknown' });
  } catch (error) {
    return void sendJson(res, 401, { error: (error as Error).message });
  }
  if (!principal.scopes.includes(ADMIN_SCOPE)) return void sendJson(res, 403, { error: `this endpoint needs scope ${ADMIN_SCOPE}` });
  return principal;
}
