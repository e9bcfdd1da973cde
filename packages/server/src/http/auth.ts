/**
 * HTTP authentication in the core, before a message reaches a session: credentials → a verifier → a
 * principal, or a 401/403 with the `WWW-Authenticate` challenge of RFC 6750 and the protected-resource
 * metadata of RFC 9728 (spec 2025-06-18+ basic/authorization).
 * @module
 */
import { ErrorCode } from '@mcpkit/protocol';
import type { Principal } from '../middleware.js';
import type { HttpRequestLike } from './request.js';
import { type HttpReply, jsonReply, refuse } from './responses.js';

/** Credentials as presented: `Authorization: Bearer …` or an API-key header. */
export interface PresentedCredentials {
  readonly token: string;
  /** Which header carried the token. */
  readonly source: 'authorization' | 'api-key';
}

/** Why credentials were refused. `insufficient_scope` becomes 403; the others 401. */
export type AuthFailure = 'invalid_token' | 'insufficient_scope' | 'invalid_request';

/** Thrown by a verifier to refuse credentials. The message reaches the client: keep secrets out of it. */
export class AuthError extends Error {
  override name = 'AuthError';
  constructor(
    readonly failure: AuthFailure,
    message: string,
    /** For `insufficient_scope`: the scopes that would be enough. */
    readonly scopes?: readonly string[],
  ) {
    super(message);
  }
}

/** Turns presented credentials into a principal. */
export interface AuthVerifier {
  /**
   * A verifier that can answer at once (a cached key) may return the principal itself: the request then skips
   * the promise. Rejecting and throwing are the same.
   * @throws AuthError when the credentials are not valid (any other error is a 500 and is reported).
   */
  verify(credentials: PresentedCredentials, request: { header(name: string): string | null; readonly remoteAddress?: string }): Principal | Promise<Principal>;
}

/** The `auth` option of the HTTP handler and `serveHttp`. */
export interface HttpAuthOptions {
  verifier: AuthVerifier;
  /** Scopes every request needs; a principal without them gets 403 insufficient_scope. */
  requiredScopes?: readonly string[];
  /**
   * The canonical URL of this MCP endpoint (e.g. `https://mcp.example.com/mcp`): the metadata's `resource`.
   * Default: from the request's Host header and path (http, or https behind TLS).
   */
  resource?: string;
  /** Authorization servers listed in the protected-resource metadata. */
  authorizationServers?: readonly string[];
  /** `scopes_supported` in the metadata. */
  scopesSupported?: readonly string[];
  /** Further metadata members (e.g. `resource_name`, `resource_documentation`). */
  metadata?: Readonly<Record<string, unknown>>;
  /** Header names besides `Authorization: Bearer` that carry an API key. Default `['x-api-key']`; `[]` turns it off. */
  apiKeyHeaders?: readonly string[];
  /** Let requests without credentials through with no principal (middleware then decides). Default false. */
  optional?: boolean;
  /** Told about every refused request (for audit logs and brute-force counters); must not throw. */
  onRefusal?: (refusal: AuthRefusal) => void;
}

/** A request the auth layer refused. */
export interface AuthRefusal {
  status: number;
  failure: AuthFailure | 'missing';
  message: string;
  remoteAddress: string | undefined;
  /** Which header carried the refused credentials, if any. */
  source: PresentedCredentials['source'] | undefined;
}

export const METADATA_PREFIX = '/.well-known/oauth-protected-resource';

/** The credentials a request presents, undefined when none, or a reply refusing a malformed header. */
export function credentialsOf(request: HttpRequestLike, apiKeyHeaders: readonly string[]): PresentedCredentials | undefined | HttpReply {
  const authorization = request.header('authorization');
  if (authorization !== null) {
    const match = /^Bearer +([\x21-\x7e]+) *$/i.exec(authorization);
    if (!match) return refuse(400, ErrorCode.InvalidRequest, 'Bad Request: the Authorization header must be "Bearer <token>"');
    return { token: match[1]!, source: 'authorization' };
  }
  for (const name of apiKeyHeaders) {
    const value = request.header(name);
    if (value !== null) {
      const token = value.trim();
      if (!/^[\x21-\x7e]+$/.test(token)) return refuse(400, ErrorCode.InvalidRequest, `Bad Request: the ${name} header holds no valid key`);
      return { token, source: 'api-key' };
    }
  }
  return undefined;
}

/** The endpoint's canonical URL: configured, or rebuilt from the request. */
export function resourceUrl(options: HttpAuthOptions, request: HttpRequestLike): string {
  if (options.resource !== undefined) return options.resource;
  const scheme = request.secure ? 'https' : 'http';
  let path = (request.path ?? '/mcp').split('?')[0]!;
  // The metadata request's path is the prefix plus the resource's path (RFC 9728 section 3.1).
  if (path.startsWith(METADATA_PREFIX)) path = path.slice(METADATA_PREFIX.length) || '/';
  return `${scheme}://${request.header('host') ?? 'localhost'}${path}`;
}

/** Where the metadata for `resource` is served (RFC 9728 section 3.1: the well-known prefix, then the path). */
export function metadataUrl(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${METADATA_PREFIX}${path}`;
}

function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, '\\$&').replace(/[\r\n]/g, ' ')}"`;
}

/** A 401 or 403 with its challenge. */
export function challenge(options: HttpAuthOptions, request: HttpRequestLike, failure: AuthFailure | undefined, message: string, scopes?: readonly string[]): HttpReply {
  const parts = [`resource_metadata=${quoted(metadataUrl(resourceUrl(options, request)))}`];
  if (failure !== undefined) parts.push(`error=${quoted(failure)}`, `error_description=${quoted(message)}`);
  if (scopes && scopes.length > 0) parts.push(`scope=${quoted(scopes.join(' '))}`);
  const status = failure === 'insufficient_scope' ? 403 : failure === 'invalid_request' ? 400 : 401;
  const text = status === 403 ? `Forbidden: ${message}` : status === 400 ? `Bad Request: ${message}` : `Unauthorized: ${message}`;
  return refuse(status, ErrorCode.InvalidRequest, text, { 'www-authenticate': `Bearer ${parts.join(', ')}` });
}

/** The RFC 9728 protected-resource metadata document. */
export function metadataReply(options: HttpAuthOptions, request: HttpRequestLike): HttpReply {
  const body: Record<string, unknown> = {
    ...options.metadata,
    resource: resourceUrl(options, request),
    bearer_methods_supported: ['header'],
  };
  if (options.authorizationServers) body.authorization_servers = [...options.authorizationServers];
  if (options.scopesSupported) body.scopes_supported = [...options.scopesSupported];
  return jsonReply(body, 200, { 'cache-control': 'max-age=300' });
}

/**
 * A principal for the request, or the reply refusing it; a promise only when the verifier answered with one
 * (most requests, with a cached key or a JWT whose keys are known, cost no microtask here).
 */
export function authenticate(options: HttpAuthOptions, request: HttpRequestLike, report: (e: unknown) => void): AuthOutcome | Promise<AuthOutcome> {
  const outcome = decide(options, request, report);
  if (outcome instanceof Promise) return outcome.then((o) => reported(options, request, report, o));
  return reported(options, request, report, outcome);
}

type AuthOutcome = Principal | undefined | HttpReply;

function reported(options: HttpAuthOptions, request: HttpRequestLike, report: (e: unknown) => void, outcome: AuthOutcome): AuthOutcome {
  if (options.onRefusal && outcome !== undefined && 'status' in outcome && outcome.status !== 500) {
    const challenged = outcome.headers['www-authenticate'] ?? '';
    const failure = /error="([a-z_]+)"/.exec(challenged)?.[1] as AuthFailure | undefined;
    try {
      options.onRefusal({
        status: outcome.status,
        failure: failure ?? (outcome.status === 400 ? 'invalid_request' : 'missing'),
        message: /error_description="([^"]*)"/.exec(challenged)?.[1] ?? 'malformed credentials',
        remoteAddress: request.remoteAddress,
        source: request.header('authorization') !== null
          ? 'authorization'
          : (options.apiKeyHeaders ?? ['x-api-key']).some((h) => request.header(h) !== null)
            ? 'api-key'
            : undefined,
      });
    } catch (error) {
      report(error);
    }
  }
  return outcome;
}

function decide(options: HttpAuthOptions, request: HttpRequestLike, report: (e: unknown) => void): AuthOutcome | Promise<AuthOutcome> {
  const credentials = credentialsOf(request, options.apiKeyHeaders ?? DEFAULT_API_KEY_HEADERS);
  if (credentials !== undefined && 'status' in credentials) return credentials;
  if (credentials === undefined) {
    if (options.optional) return undefined;
    return challenge(options, request, undefined, 'credentials are required (Authorization: Bearer <token>)');
  }
  let verified: Principal | Promise<Principal>;
  try {
    verified = options.verifier.verify(credentials, request);
  } catch (error) {
    return verifyFailed(options, request, report, error);
  }
  if (typeof (verified as { then?: unknown }).then === 'function') {
    return Promise.resolve(verified).then(
      (principal) => admit(options, request, principal),
      (error: unknown) => verifyFailed(options, request, report, error),
    );
  }
  return admit(options, request, verified as Principal);
}

const DEFAULT_API_KEY_HEADERS: readonly string[] = ['x-api-key'];

function verifyFailed(options: HttpAuthOptions, request: HttpRequestLike, report: (e: unknown) => void, error: unknown): HttpReply {
  if (error instanceof AuthError) return challenge(options, request, error.failure, error.message, error.scopes);
  report(error);
  return refuse(500, ErrorCode.InternalError, 'Internal error: the credentials could not be checked');
}

/** The verified principal, unless it has expired or lacks a scope the endpoint requires. */
function admit(options: HttpAuthOptions, request: HttpRequestLike, principal: Principal): Principal | HttpReply {
  if (principal.expiresAt !== undefined && principal.expiresAt <= Date.now()) {
    return challenge(options, request, 'invalid_token', 'the credentials have expired');
  }
  const required = options.requiredScopes;
  if (required && required.length > 0) {
    const missing = required.filter((s) => !principal.scopes.includes(s));
    if (missing.length > 0) return challenge(options, request, 'insufficient_scope', `this endpoint needs scope ${missing.join(', ')}`, required);
  }
  return principal;
}
