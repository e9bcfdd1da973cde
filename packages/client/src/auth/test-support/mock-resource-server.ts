/**
 * Test support (not part of the public API): a protected resource (an MCP endpoint stand-in) as a web-standard handler: protected resource
 * metadata, 401 / 403 challenges with `WWW-Authenticate`, per-method scopes, DPoP checks and nonces.
 * @module
 */
import { decodeJwt } from 'jose';
import { type MockAuthorizationServer, verifyProof } from './mock-authorization-server.js';

export interface MockResourceServerOptions {
  /** Where protected resource metadata is served: path-aware (default), root, or a custom path. */
  prmAt?: 'path' | 'root' | string;
  /** Send `resource_metadata` in the challenge. Default true. */
  advertisePrm?: boolean;
  /** Override the metadata's `resource`. */
  resourceOverride?: string;
  /** Authorization servers listed in the metadata; default the given one. */
  authorizationServers?: () => string[];
  scopesSupported?: string[];
  /** Scopes a JSON-RPC method needs; those missing give 403 insufficient_scope. */
  requiredScopes?: (method: string) => string[];
  /** The scope put in the 401 challenge. */
  challengeScope?: string;
  /** Challenge with the DPoP scheme and demand DPoP-bound tokens. */
  dpop?: boolean;
  /** Require this DPoP nonce (RFC 9449 §9). */
  dpopNonce?: string;
}

/** One resource request and how it was answered. */
export interface SeenResourceRequest {
  method: string;
  rpcMethod: string | undefined;
  authorization: string | null;
  dpop: string | null;
  status: number;
}

export interface MockResourceServer {
  handle(request: Request): Promise<Response>;
  /** Set once listening. */
  origin: string;
  readonly url: string;
  seen: SeenResourceRequest[];
  /** Answer every request with 403 insufficient_scope for this scope. */
  alwaysForbid?: string | undefined;
}

/** Builds the resource server backed by `as` (its issued-token table plays token introspection). */
export function createMockResourceServer(as: MockAuthorizationServer, options: MockResourceServerOptions = {}): MockResourceServer {
  const prmPath = options.prmAt === 'root' ? '/.well-known/oauth-protected-resource' : options.prmAt === undefined || options.prmAt === 'path' ? '/.well-known/oauth-protected-resource/mcp' : options.prmAt;
  const rs: MockResourceServer = {
    origin: '',
    get url() {
      return `${rs.origin}/mcp`;
    },
    seen: [],
    async handle(request) {
      const url = new URL(request.url);
      if (request.method === 'GET' && url.pathname === prmPath) {
        const doc: Record<string, unknown> = {
          resource: options.resourceOverride ?? (options.prmAt === 'root' ? rs.origin : rs.url),
          authorization_servers: options.authorizationServers?.() ?? [as.issuer],
        };
        if (options.scopesSupported) doc.scopes_supported = options.scopesSupported;
        return Response.json(doc);
      }
      if (url.pathname !== '/mcp') return new Response('not found', { status: 404 });
      const body = request.method === 'POST' ? ((await request.json().catch(() => ({}))) as { method?: string; id?: unknown }) : {};
      const record: SeenResourceRequest = {
        method: request.method,
        rpcMethod: body.method,
        authorization: request.headers.get('authorization'),
        dpop: request.headers.get('dpop'),
        status: 200,
      };
      rs.seen.push(record);
      const response = await authorizeRequest(request, body.method ?? '');
      record.status = response?.status ?? 200;
      return response ?? Response.json({ jsonrpc: '2.0', id: body.id ?? null, result: { ok: true } });
    },
  };

  function challenge(status: number, params: Record<string, string>, headers: Record<string, string> = {}): Response {
    const all = { ...params };
    if (options.advertisePrm !== false) all.resource_metadata = `${rs.origin}${prmPath}`;
    const value = `${options.dpop ? 'DPoP' : 'Bearer'} ${Object.entries(all)
      .map(([k, v]) => `${k}="${v}"`)
      .join(', ')}`;
    return Response.json({ error: params.error ?? 'unauthorized' }, { status, headers: { 'www-authenticate': value, ...headers } });
  }

  async function authorizeRequest(request: Request, method: string): Promise<Response | undefined> {
    const authorization = request.headers.get('authorization');
    const scheme = options.dpop ? 'DPoP' : 'Bearer';
    const base: Record<string, string> = options.challengeScope ? { scope: options.challengeScope } : {};
    if (authorization === null || !authorization.startsWith(`${scheme} `)) return challenge(401, base);
    const token = authorization.slice(scheme.length + 1);
    const issued = as.tokens.get(token);
    if (!issued) return challenge(401, { ...base, error: 'invalid_token' });
    if (options.dpop) {
      const proof = request.headers.get('dpop');
      const checked = proof === null ? { error: 'no proof' } : await verifyProof(proof, request.method, rs.url, token);
      if (typeof checked !== 'string' || checked !== issued.jkt) return challenge(401, { error: 'invalid_token' });
      if (options.dpopNonce !== undefined && decodeJwt(proof!).nonce !== options.dpopNonce) {
        return challenge(401, { error: 'use_dpop_nonce' }, { 'dpop-nonce': options.dpopNonce });
      }
    }
    if (rs.alwaysForbid !== undefined) return challenge(403, { error: 'insufficient_scope', scope: rs.alwaysForbid });
    const granted = new Set(issued.scope.split(' '));
    const missing = (options.requiredScopes?.(method) ?? []).filter((s) => !granted.has(s));
    if (missing.length > 0) return challenge(403, { error: 'insufficient_scope', scope: missing.join(' ') });
    return undefined;
  }

  return rs;
}
