/**
 * OAuthProvider: the HTTP transports' auth hook. It supplies `Authorization` (and DPoP proofs) for every request
 * and, on 401 / 403, runs discovery, registration and the configured grant, then tells the transport to retry.
 * @module
 */
import { AuthDiscoveryError, AuthRetryLimitError, AuthTokenError, InvalidArgumentError } from '@mcpkit/protocol';
import { canonicalResourceUrl, discoverAuthorizationServer, discoverProtectedResource } from './discovery.js';
import { DPOP_ALGORITHMS, DpopSigner, isNonceChallenge } from './dpop.js';
import { type OAuthGrant, clientFor, refreshTokens, runGrant } from './grants.js';
import type { AuthHttpContext } from './http.js';
import type { ClientMetadata } from './registration.js';
import { coversScope, formatScope, parseScope, selectScope, withOfflineAccess } from './scopes.js';
import { InMemoryTokenStore, type TokenStore } from './token-store.js';
import type { AuthorizationServerMetadata, ClientCredentials, ProtectedResourceMetadata, StoredTokens } from './types.js';
import type { NetworkPolicy } from './url-guard.js';
import { findChallenge, parseWwwAuthenticate } from './www-authenticate.js';
import { dpopAwareFetch } from './dpop-fetch.js';

/** Options of {@link OAuthProvider}. */
export interface OAuthProviderOptions extends NetworkPolicy {
  /** The MCP server URL; its canonical form is the `resource` until protected resource metadata says otherwise. */
  serverUrl: string | URL;
  grant: OAuthGrant;
  /** Pre-registered credentials; `issuer` pins them to one authorization server (else the first one used). */
  client?: ClientCredentials & { issuer?: string };
  /** An https URL serving this client's metadata document; used as `client_id` where the server supports it. */
  clientMetadataUrl?: string;
  /** Metadata for dynamic client registration (`client_name`, `application_type`, ...). */
  clientMetadata?: ClientMetadata;
  /** A fixed scope to request instead of the spec's selection strategy. */
  scope?: string;
  /** Ask for `offline_access` (a refresh token) when the authorization server lists it. Default true. */
  offlineAccess?: boolean;
  /**
   * DPoP-bound tokens (RFC 9449). `'auto'` (default): when the resource asks for them (a `DPoP` challenge, or its
   * metadata) and the authorization server supports them. `true`: whenever the server supports them. `false`: never.
   */
  dpop?: boolean | 'auto';
  /** Which of the resource's authorization servers to use, if it lists several; default the first. */
  authorizationServer?: string;
  store?: TokenStore;
  /** The fetch for requests to authorization servers; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** Time limit per OAuth request. Default 30 s. */
  timeoutMs?: number;
  /** How many times in a row to authorize for the same scopes when the server keeps refusing them. Default 2. */
  maxAuthorizationAttempts?: number;
}

/** A request the transport is about to send, or just sent. */
export interface AuthRequestInfo {
  url: string;
  method: string;
}

interface Current {
  issuer: string;
  metadata: AuthorizationServerMetadata;
  resource: string;
}

// Tokens this close to expiry are refreshed before use rather than sent and refused.
const EXPIRY_SKEW_MS = 30_000;
// RFC 6749 §5.2 errors that another attempt with the same inputs cannot fix.
const PERMANENT_GRANT_ERRORS = new Set(['invalid_grant', 'invalid_client', 'invalid_scope', 'unauthorized_client', 'unsupported_grant_type']);

/**
 * OAuth 2.1 for the HTTP transports (spec basic/authorization): pass it as `authProvider`.
 * @example
 * const auth = new OAuthProvider({
 *   serverUrl: 'https://mcp.example.com/mcp',
 *   grant: { type: 'authorization_code', redirectUrl: 'http://127.0.0.1:8976/callback', authorize: openBrowserAndWait },
 * });
 * const transport = new StreamableHttpClientTransport('https://mcp.example.com/mcp', { authProvider: auth, fetch: auth.wrapFetch() });
 */
export class OAuthProvider {
  readonly options: OAuthProviderOptions;
  readonly #ctx: AuthHttpContext;
  readonly #store: TokenStore;
  readonly #serverUrl: string;
  readonly #requestUrl: string;
  readonly #preRegistered: { client: ClientCredentials; issuer?: string | undefined } | undefined;
  readonly #metadataCache = new Map<string, AuthorizationServerMetadata>();
  #current: Current | undefined;
  #tokens: StoredTokens | undefined;
  #requestedScope: string | undefined;
  #lineage: { token: string; scope: string; count: number } | undefined;
  #dpop: DpopSigner | undefined;
  #useDpop = false;
  #pending: Promise<boolean> | undefined;
  #refreshing: Promise<StoredTokens | undefined> | undefined;
  #grantFailure: AuthTokenError | undefined;

  /** @throws AuthUnsafeUrlError `MCPKIT_AUTH_UNSAFE_URL` for a server URL that is not http(s); InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a bad grant. */
  constructor(options: OAuthProviderOptions) {
    this.options = options;
    this.#serverUrl = canonicalResourceUrl(options.serverUrl);
    this.#requestUrl = new URL(String(options.serverUrl)).href;
    if (options.grant.type === 'authorization_code' && (typeof options.grant.authorize !== 'function' || !options.grant.redirectUrl)) {
      throw new InvalidArgumentError('an authorization_code grant needs authorize() and redirectUrl');
    }
    this.#store = options.store ?? new InMemoryTokenStore();
    const { issuer, ...client } = options.client ?? { clientId: '' };
    this.#preRegistered = options.client ? { client, issuer } : undefined;
    this.#ctx = {
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      policy: { allowPrivateNetwork: options.allowPrivateNetwork ?? false, allowedHosts: options.allowedHosts ?? [] },
      trustedOrigin: new URL(this.#serverUrl).origin,
      timeoutMs: options.timeoutMs ?? 30_000,
    };
  }

  /** The tokens in use, if any (for display or persistence; the store has them too). */
  get tokens(): StoredTokens | undefined {
    return this.#tokens;
  }

  /** The authorization server in use, once discovered. */
  get issuer(): string | undefined {
    return this.#current?.issuer;
  }

  /**
   * Headers for one request: `Authorization: Bearer …`, or `Authorization: DPoP …` plus a fresh `DPoP` proof bound to
   * the request's method and URL (the MCP server URL and POST when the transport does not say).
   * @throws AuthTokenError `MCPKIT_AUTH_TOKEN_REQUEST_FAILED` only for a failure other than a refused refresh.
   */
  async headers(request?: AuthRequestInfo): Promise<Record<string, string>> {
    const tokens = await this.#usableTokens();
    if (!tokens) return {};
    if (tokens.tokenType === 'DPoP' && this.#dpop) {
      const target = request ?? { url: this.#requestUrl, method: 'POST' };
      const proof = await this.#dpop.proof({ method: target.method, url: target.url, accessToken: tokens.accessToken });
      return { authorization: `DPoP ${tokens.accessToken}`, dpop: proof };
    }
    return { authorization: `Bearer ${tokens.accessToken}` };
  }

  /**
   * Reacts to a 401 or 403: remembers a DPoP nonce, or re-authorizes (refresh, then the grant; a scope step-up on
   * 403 `insufficient_scope`). Resolves true when the request should be retried.
   * @throws AuthDiscoveryError, AuthResourceMismatchError, AuthIssuerMismatchError, AuthPkceUnsupportedError,
   * AuthUnsafeUrlError, AuthRegistrationError, AuthorizationError, AuthTokenError, AuthRetryLimitError (codes `MCPKIT_AUTH_*`).
   */
  async onUnauthorized(response: Response, request?: AuthRequestInfo): Promise<boolean> {
    const challenges = parseWwwAuthenticate(response.headers.get('www-authenticate') ?? '');
    const challenge = findChallenge(challenges, 'DPoP') ?? findChallenge(challenges, 'Bearer') ?? challenges[0];
    const params = challenge?.params ?? {};
    if (this.#dpop && response.status === 401 && isNonceChallenge(response)) {
      // RFC 9449 §9: the resource wants its nonce in our proofs; a new nonce is worth one retry, a stale one is not.
      return this.#dpop.rememberNonce(request?.url ?? this.#requestUrl, response);
    }
    if (response.status === 403 && params.error !== 'insufficient_scope') return false;
    const rejected = this.#tokens?.accessToken;
    const dpopChallenge = challenge?.scheme.toLowerCase() === 'dpop';
    this.#pending ??= this.#reauthorize(response.status, params, rejected, dpopChallenge).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /**
   * A fetch for the transport that keeps DPoP proofs exact: it re-signs a proof whose method or URL does not match
   * the request, records `DPoP-Nonce` from every response and retries once on a `use_dpop_nonce` challenge.
   * @example
   * new StreamableHttpClientTransport(url, { authProvider: auth, fetch: auth.wrapFetch() });
   */
  wrapFetch(inner: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
    return dpopAwareFetch(inner, () => this.#dpop);
  }

  /** Forgets the tokens in use (and in the store), so the next request authorizes afresh. */
  async signOut(): Promise<void> {
    if (this.#current) await this.#store.deleteTokens(this.#current.issuer, this.#current.resource);
    this.#tokens = undefined;
    this.#lineage = undefined;
  }

  async #usableTokens(): Promise<StoredTokens | undefined> {
    if (this.#pending) await this.#pending.catch(() => undefined);
    const tokens = this.#tokens;
    if (!tokens) return undefined;
    if (tokens.tokenType === 'DPoP' && (!this.#dpop || tokens.dpopJkt !== (await this.#dpop.thumbprint()))) return undefined;
    if (tokens.expiresAt === undefined || tokens.expiresAt - EXPIRY_SKEW_MS > Date.now()) return tokens;
    if (tokens.refreshToken === undefined) return undefined;
    this.#refreshing ??= this.#refresh(tokens).finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  async #reauthorize(status: number, params: Record<string, string>, rejected: string | undefined, dpopChallenge: boolean): Promise<boolean> {
    const { prm, current } = await this.#discover(params.resource_metadata);
    this.#configureDpop(current.metadata, prm, dpopChallenge);

    if (status === 401) {
      // Tokens for this server that were not the ones just refused (a migration back, another process).
      const stored = this.#tokens;
      if (stored && stored.accessToken !== rejected && (stored.expiresAt === undefined || stored.expiresAt > Date.now())) return true;
      if (stored?.refreshToken !== undefined && (await this.#refresh(stored)) !== undefined) return true;
    }

    const scope = this.#chooseScope(params.scope, prm, current.metadata);
    this.#countAttempt(status, scope, rejected);
    if (this.#grantFailure) throw this.#grantFailure;
    let tokens: StoredTokens;
    try {
      tokens = await runGrant(this.#ctx, {
        grant: this.options.grant,
        issuer: current.issuer,
        metadata: current.metadata,
        resource: current.resource,
        scope,
        store: this.#store,
        preRegistered: this.#preRegistered,
        clientMetadataUrl: this.options.clientMetadataUrl,
        clientMetadata: this.options.clientMetadata ?? {},
        dpop: this.#useDpop ? this.#dpop : undefined,
      });
    } catch (error) {
      // Workload identity and client credentials must not hammer the server with a grant it refused for good.
      if (error instanceof AuthTokenError && this.options.grant.type !== 'authorization_code' && PERMANENT_GRANT_ERRORS.has(error.error)) {
        this.#grantFailure = error;
      }
      throw error;
    }
    await this.#adopt(tokens, scope);
    return true;
  }

  async #discover(resourceMetadataUrl: string | undefined): Promise<{ prm: ProtectedResourceMetadata | undefined; current: Current }> {
    let prm: ProtectedResourceMetadata | undefined;
    let issuer: string;
    try {
      prm = await discoverProtectedResource(this.#ctx, this.options.serverUrl, resourceMetadataUrl);
      const servers = prm.authorization_servers ?? [];
      issuer = servers.find((s) => s === this.options.authorizationServer) ?? servers[0]!;
    } catch (error) {
      // Spec authorization-server-discovery: without metadata, "abort or use pre-configured values".
      if (!(error instanceof AuthDiscoveryError) || this.options.authorizationServer === undefined) throw error;
      issuer = this.options.authorizationServer;
    }
    let metadata = this.#metadataCache.get(issuer);
    if (!metadata) {
      metadata = await discoverAuthorizationServer(this.#ctx, issuer);
      this.#metadataCache.set(issuer, metadata);
    }
    const resource = prm?.resource ?? this.#serverUrl;
    const previous = this.#current;
    this.#current = { issuer, metadata, resource };
    if (!previous || previous.issuer !== issuer || previous.resource !== resource) {
      // Tokens are bound to the server that issued them; another server's tokens are never sent (client-registration
      // "Authorization Server Binding").
      this.#tokens = await this.#store.getTokens(issuer, resource);
      this.#lineage = undefined;
    }
    return { prm, current: this.#current };
  }

  #configureDpop(metadata: AuthorizationServerMetadata, prm: ProtectedResourceMetadata | undefined, dpopChallenge: boolean): void {
    const mode = this.options.dpop ?? 'auto';
    const algs = metadata.dpop_signing_alg_values_supported ?? [];
    const supported = algs.some((a) => (DPOP_ALGORITHMS as readonly string[]).includes(a));
    const wanted = mode === true || (mode === 'auto' && (dpopChallenge || prm?.dpop_bound_access_tokens_required === true));
    this.#useDpop = mode !== false && supported && wanted;
    if (this.#useDpop) this.#dpop ??= new DpopSigner(algs);
  }

  #chooseScope(challenged: string | undefined, prm: ProtectedResourceMetadata | undefined, metadata: AuthorizationServerMetadata): string | undefined {
    if (this.options.scope !== undefined) return formatScope(parseScope(this.options.scope));
    const scope = selectScope({ challenged, scopesSupported: prm?.scopes_supported, previous: this.#requestedScope });
    // Refresh tokens are for users who come back; machine grants just ask again (spec 2026-07-28 "Refresh Tokens").
    const offline = this.options.offlineAccess !== false && this.options.grant.type === 'authorization_code';
    return offline ? withOfflineAccess(scope, metadata.scopes_supported) : scope;
  }

  // Spec basic/authorization "Step-Up Authorization Flow": retry a scope upgrade only a few times. A refusal of a
  // token that already carries every scope asked for continues the chain; anything else starts a new one.
  #countAttempt(status: number, scope: string | undefined, rejected: string | undefined): void {
    const key = formatScope(parseScope(scope).sort()) ?? '';
    const max = this.options.maxAuthorizationAttempts ?? 2;
    const chain = this.#lineage;
    const repeat = status === 403 && chain !== undefined && chain.token === rejected && chain.scope === key && coversScope(this.#tokens?.scope ?? key, scope);
    const count = repeat ? chain.count + 1 : 1;
    if (count > max) {
      throw new AuthRetryLimitError(`the server still refuses after ${max} authorizations for scope "${key}"; giving up`);
    }
    this.#lineage = { token: '', scope: key, count };
  }

  async #adopt(tokens: StoredTokens, scope: string | undefined): Promise<void> {
    const current = this.#current!;
    this.#tokens = tokens;
    this.#requestedScope = scope ?? this.#requestedScope;
    if (this.#lineage) this.#lineage.token = tokens.accessToken;
    await this.#store.saveTokens(current.issuer, current.resource, tokens);
  }

  async #refresh(tokens: StoredTokens): Promise<StoredTokens | undefined> {
    const current = this.#current;
    if (!current || tokens.refreshToken === undefined) return undefined;
    try {
      const client = await clientFor(this.#ctx, {
        grant: this.options.grant,
        issuer: current.issuer,
        metadata: current.metadata,
        store: this.#store,
        preRegistered: this.#preRegistered,
        clientMetadataUrl: this.options.clientMetadataUrl,
        clientMetadata: this.options.clientMetadata ?? {},
      });
      const dpop = tokens.tokenType === 'DPoP' ? this.#dpop : undefined;
      const fresh = await refreshTokens(this.#ctx, { metadata: current.metadata, client, tokens, resource: current.resource, dpop });
      this.#tokens = fresh;
      if (this.#lineage?.token === tokens.accessToken) this.#lineage.token = fresh.accessToken;
      await this.#store.saveTokens(current.issuer, current.resource, fresh);
      return fresh;
    } catch (error) {
      // A refused refresh token is routine (expired, revoked, rotated elsewhere): drop it and authorize afresh.
      if (!(error instanceof AuthTokenError) || error.status === 0 || error.status >= 500) throw error;
      const { refreshToken: _dropped, ...rest } = tokens;
      this.#tokens = { ...rest, expiresAt: 0 };
      await this.#store.saveTokens(current.issuer, current.resource, this.#tokens);
      return undefined;
    }
  }
}
