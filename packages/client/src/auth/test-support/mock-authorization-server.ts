/**
 * Test support (not part of the public API): a small OAuth 2.1 authorization server as a web-standard handler, speaking the real wire format
 * (metadata, authorize redirect, token form posts, registration), with knobs for the misbehaviours tests need.
 * @module
 */
import { type JWK, base64url, calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';

/** A token the server issued, as the resource server will look it up. */
export interface IssuedToken {
  scope: string;
  resource: string | undefined;
  jkt: string | undefined;
  clientId: string;
}

/** One request the server received. */
export interface SeenAuthRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  json: Record<string, unknown>;
  headers: Headers;
}

export interface MockAuthorizationServerOptions {
  /** Issuer path, e.g. '/tenant1'. */
  issuerPath?: string;
  /** Where the metadata lives: RFC 8414 insertion (default), OIDC insertion, or OIDC appending. */
  metadataAt?: 'oauth' | 'oidc-insert' | 'oidc-append';
  /** Serve this `issuer` instead of the real one. */
  issuerOverride?: string;
  /** Metadata fields to drop, and fields to add or replace. */
  omit?: string[];
  extra?: Record<string, unknown>;
  issInRedirect?: 'correct' | 'wrong' | 'omit' | 'normalized';
  /** Pre-registered clients: id → secret (or public key for private_key_jwt). */
  clients?: Record<string, string | CryptoKey>;
  /** Issue refresh tokens. Default false. */
  refresh?: boolean;
  expiresIn?: number;
  /** Require a DPoP nonce at the token endpoint (RFC 9449 §8). */
  dpopNonce?: string;
  /** Answer every token request with this OAuth error. */
  tokenError?: string;
}

interface CodeRecord {
  challenge: string;
  clientId: string;
  redirectUri: string;
  scope: string;
  resource: string | undefined;
}

/** The server and what it saw. */
export interface MockAuthorizationServer {
  handle(request: Request): Promise<Response>;
  /** Set once the server listens: e.g. `http://127.0.0.1:PORT`. */
  origin: string;
  readonly issuer: string;
  seen: SeenAuthRequest[];
  tokens: Map<string, IssuedToken>;
  /** Revokes every refresh token (to test a refused refresh). */
  revokeRefreshTokens(): void;
}

/** Builds the mock; set `origin` after listening. */
export function createMockAuthorizationServer(options: MockAuthorizationServerOptions = {}): MockAuthorizationServer {
  const prefix = options.issuerPath ?? '';
  const codes = new Map<string, CodeRecord>();
  const refreshTokens = new Map<string, IssuedToken>();
  const registered = new Map<string, string | CryptoKey | undefined>(Object.entries(options.clients ?? {}));
  let counter = 0;
  // Client ids differ between servers, so a test can tell whose id a request carries.
  const tag = crypto.randomUUID().slice(0, 8);
  const server: MockAuthorizationServer = {
    origin: '',
    get issuer() {
      return server.origin + prefix;
    },
    seen: [],
    tokens: new Map(),
    revokeRefreshTokens: () => refreshTokens.clear(),
    async handle(request) {
      const url = new URL(request.url);
      const form = request.method === 'POST' && (request.headers.get('content-type') ?? '').includes('form') ? new URLSearchParams(await request.text()) : new URLSearchParams();
      const json = request.method === 'POST' && (request.headers.get('content-type') ?? '').includes('json') ? ((await request.json()) as Record<string, unknown>) : {};
      server.seen.push({ method: request.method, path: url.pathname, query: url.searchParams, form, json, headers: request.headers });
      if (request.method === 'GET' && url.pathname === metadataPath()) return Response.json(metadata());
      if (request.method === 'GET' && url.pathname === `${prefix}/authorize`) return authorize(url.searchParams);
      if (request.method === 'POST' && url.pathname === `${prefix}/token`) return token(request, form);
      if (request.method === 'POST' && url.pathname === `${prefix}/register`) return register(json);
      return new Response('not found', { status: 404 });
    },
  };

  function metadataPath(): string {
    if (options.metadataAt === 'oidc-insert') return `/.well-known/openid-configuration${prefix}`;
    if (options.metadataAt === 'oidc-append') return `${prefix}/.well-known/openid-configuration`;
    return `/.well-known/oauth-authorization-server${prefix}`;
  }

  function metadata(): Record<string, unknown> {
    const base = server.issuer;
    const doc: Record<string, unknown> = {
      issuer: options.issuerOverride ?? base,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/token`,
      registration_endpoint: `${base}/register`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
      authorization_response_iss_parameter_supported: true,
      ...options.extra,
    };
    for (const field of options.omit ?? []) delete doc[field];
    return doc;
  }

  function authorize(query: URLSearchParams): Response {
    const redirect = new URL(query.get('redirect_uri') ?? 'http://invalid.test/');
    const code = `code-${++counter}`;
    codes.set(code, {
      challenge: query.get('code_challenge') ?? '',
      clientId: query.get('client_id') ?? '',
      redirectUri: redirect.href,
      scope: query.get('scope') ?? '',
      resource: query.get('resource') ?? undefined,
    });
    redirect.searchParams.set('code', code);
    const state = query.get('state');
    if (state !== null) redirect.searchParams.set('state', state);
    const iss = options.issInRedirect ?? 'correct';
    if (iss === 'correct') redirect.searchParams.set('iss', server.issuer);
    if (iss === 'wrong') redirect.searchParams.set('iss', 'https://evil.example.com');
    if (iss === 'normalized') redirect.searchParams.set('iss', `${server.issuer}/`);
    return new Response(null, { status: 302, headers: { location: redirect.href } });
  }

  async function token(request: Request, form: URLSearchParams): Promise<Response> {
    if (options.tokenError) return oauthError(400, options.tokenError);
    const client = await authenticateClient(request, form);
    if (typeof client !== 'string') return client;
    let jkt: string | undefined;
    const proof = request.headers.get('dpop');
    if (proof !== null) {
      const checked = await verifyProof(proof, 'POST', `${server.issuer}/token`);
      if (typeof checked !== 'string') return oauthError(400, 'invalid_dpop_proof', checked.error);
      if (options.dpopNonce !== undefined && decodeJwt(proof).nonce !== options.dpopNonce) {
        return Response.json({ error: 'use_dpop_nonce' }, { status: 400, headers: { 'dpop-nonce': options.dpopNonce } });
      }
      jkt = checked;
    }
    const grant = form.get('grant_type');
    let scope = form.get('scope') ?? '';
    let resource = form.get('resource') ?? undefined;
    if (grant === 'authorization_code') {
      const record = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      if (!record) return oauthError(400, 'invalid_grant', 'unknown code');
      const challenge = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(form.get('code_verifier') ?? ''))));
      if (challenge !== record.challenge) return oauthError(400, 'invalid_grant', 'PKCE verification failed');
      if (record.clientId !== client || record.redirectUri !== form.get('redirect_uri')) return oauthError(400, 'invalid_grant', 'client or redirect mismatch');
      if (record.resource !== resource) return oauthError(400, 'invalid_target', 'resource differs from the authorization request');
      scope = record.scope;
    } else if (grant === 'refresh_token') {
      const previous = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!previous) return oauthError(400, 'invalid_grant', 'unknown refresh token');
      refreshTokens.delete(form.get('refresh_token') ?? '');
      scope = previous.scope;
      resource = resource ?? previous.resource;
    } else if (grant === 'client_credentials' || grant === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      if (grant !== 'client_credentials' && !form.get('assertion')) return oauthError(400, 'invalid_request', 'no assertion');
    } else {
      return oauthError(400, 'unsupported_grant_type');
    }
    const accessToken = `at-${++counter}`;
    const issued: IssuedToken = { scope, resource, jkt, clientId: client };
    server.tokens.set(accessToken, issued);
    const body: Record<string, unknown> = { access_token: accessToken, token_type: jkt ? 'DPoP' : 'Bearer', expires_in: options.expiresIn ?? 3600, scope };
    if (options.refresh && grant !== 'client_credentials') {
      const refreshToken = `rt-${++counter}`;
      refreshTokens.set(refreshToken, issued);
      body.refresh_token = refreshToken;
    }
    return Response.json(body);
  }

  async function authenticateClient(request: Request, form: URLSearchParams): Promise<string | Response> {
    const header = request.headers.get('authorization');
    if (header?.startsWith('Basic ')) {
      const [id, secret] = atob(header.slice(6)).split(':').map((p) => decodeURIComponent(p.replace(/\+/g, ' ')));
      return registered.get(id!) === secret && secret !== undefined ? id! : oauthError(401, 'invalid_client', 'bad basic credentials');
    }
    const id = form.get('client_id') ?? '';
    if (form.get('client_assertion_type') === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') {
      const key = registered.get(id);
      if (typeof key !== 'object') return oauthError(401, 'invalid_client', 'no key registered');
      try {
        const { payload } = await jwtVerify(form.get('client_assertion') ?? '', key, { audience: server.issuer, issuer: id, subject: id });
        if (typeof payload.jti !== 'string' || typeof payload.exp !== 'number') return oauthError(401, 'invalid_client', 'assertion lacks jti/exp');
        return id;
      } catch (error) {
        return oauthError(401, 'invalid_client', `assertion: ${(error as Error).message}`);
      }
    }
    if (form.has('client_secret')) return registered.get(id) === form.get('client_secret') ? id : oauthError(401, 'invalid_client', 'bad secret');
    if (id === '') return oauthError(401, 'invalid_client', 'no client');
    return id;
  }

  function register(body: Record<string, unknown>): Response {
    const id = `dcr-${tag}-${++counter}`;
    const method = typeof body.token_endpoint_auth_method === 'string' ? body.token_endpoint_auth_method : 'client_secret_basic';
    const secret = method === 'none' ? undefined : `secret-${counter}`;
    registered.set(id, secret);
    return Response.json({ ...body, client_id: id, ...(secret ? { client_secret: secret } : {}), token_endpoint_auth_method: method }, { status: 201 });
  }

  return server;
}

/**
 * Verifies a DPoP proof (RFC 9449 §4.3) for a request; returns the key's thumbprint or the reason it is invalid.
 * Written independently of the client's signer so a shared mistake cannot hide.
 */
export async function verifyProof(proof: string, method: string, url: string, accessToken?: string): Promise<string | { error: string }> {
  try {
    const header = decodeProtectedHeader(proof);
    if (header.typ !== 'dpop+jwt' || !header.jwk || (header.jwk as JWK).d !== undefined) return { error: 'bad header' };
    const { payload } = await jwtVerify(proof, await importJWK(header.jwk as JWK, header.alg), { typ: 'dpop+jwt' });
    if (payload.htm !== method) return { error: `htm ${String(payload.htm)} != ${method}` };
    const target = new URL(url);
    if (payload.htu !== target.origin + target.pathname) return { error: `htu ${String(payload.htu)} != ${url}` };
    if (typeof payload.jti !== 'string' || typeof payload.iat !== 'number' || Math.abs(payload.iat - Date.now() / 1000) > 60) return { error: 'jti/iat' };
    if (accessToken !== undefined) {
      const ath = base64url.encode(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(accessToken))));
      if (payload.ath !== ath) return { error: 'ath mismatch' };
    }
    return await calculateJwkThumbprint(header.jwk as JWK, 'sha256');
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function oauthError(status: number, error: string, description?: string): Response {
  return Response.json({ error, ...(description ? { error_description: description } : {}) }, { status });
}
