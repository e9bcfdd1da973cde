/**
 * Assertions for the JWT bearer grant (RFC 7523 §2.1): enterprise-managed authorization, where an identity
 * provider exchanges the user's ID token for an ID-JAG (RFC 8693 token exchange), and workload identity.
 * @module
 */
import { AuthTokenError } from '@mcpkit/protocol';
import { formEncode, readBounded } from './http.js';
import { parseObject } from './token-endpoint.js';
import { requireWebUrl } from './url-guard.js';

/** What an assertion is for: the authorization server that will redeem it and the MCP server it grants access to. */
export interface AssertionContext {
  issuer: string;
  tokenEndpoint: string;
  resource: string;
  scope?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** Produces a JWT assertion for one token request (a workload identity token, an ID-JAG, ...). */
export type AssertionProvider = (context: AssertionContext) => Promise<string>;

/** The identity provider side of enterprise-managed authorization. */
export interface IdJagOptions {
  /** The IdP's token endpoint (configured by the enterprise, not discovered). */
  tokenEndpoint: string;
  /** The user's ID token from single sign-on, or a function that fetches a current one. */
  idToken: string | (() => Promise<string>);
  /** This client's id at the IdP. */
  clientId: string;
  /** This client's secret at the IdP, sent with client_secret_basic; without it the client is public. */
  clientSecret?: string;
  fetch?: typeof fetch;
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

/**
 * An {@link AssertionProvider} for enterprise-managed authorization (SEP-990, extension
 * `io.modelcontextprotocol/enterprise-managed-authorization`): exchanges the ID token at the IdP for an ID-JAG whose
 * audience is the MCP authorization server and whose resource is the MCP server.
 * @throws AuthTokenError `MCPKIT_AUTH_TOKEN_REQUEST_FAILED` (when the returned provider runs) if the IdP refuses or answers with something other than an ID-JAG.
 * @example
 * const grant = { type: 'jwt_bearer', assertion: idJagAssertion({ tokenEndpoint: 'https://idp.example.com/token', idToken, clientId: 'mcp-client' }) };
 */
export function idJagAssertion(options: IdJagOptions): AssertionProvider {
  const endpoint = requireWebUrl(options.tokenEndpoint, 'identity provider token endpoint').href;
  return async (context) => {
    const subject = typeof options.idToken === 'function' ? await options.idToken() : options.idToken;
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      requested_token_type: ID_JAG,
      audience: context.issuer,
      resource: context.resource,
      subject_token: subject,
      subject_token_type: ID_TOKEN,
    });
    if (context.scope !== undefined) body.set('scope', context.scope);
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (options.clientSecret !== undefined) {
      headers.authorization = `Basic ${btoa(`${formEncode(options.clientId)}:${formEncode(options.clientSecret)}`)}`;
    } else {
      body.set('client_id', options.clientId);
    }
    let response: Response;
    try {
      response = await (options.fetch ?? globalThis.fetch)(endpoint, { method: 'POST', headers, body: body.toString(), ...(context.signal ? { signal: context.signal } : {}) });
    } catch (cause) {
      throw AuthTokenError.from(`token exchange at ${endpoint} failed: ${cause instanceof Error ? cause.message : String(cause)}`, {}, { cause });
    }
    const json = parseObject((await readBounded(response)) ?? '');
    if (!response.ok) {
      const error = typeof json?.error === 'string' ? json.error : '';
      const errorDescription = typeof json?.error_description === 'string' ? json.error_description : '';
      throw AuthTokenError.from(`token exchange at ${endpoint} failed: HTTP ${response.status}${error ? ` ${error}` : ''}${errorDescription ? `: ${errorDescription}` : ''}`, { error, errorDescription, status: response.status });
    }
    // RFC 8693 §2.2.1: the ID-JAG travels in access_token, identified by issued_token_type.
    if (json?.issued_token_type !== ID_JAG || typeof json.access_token !== 'string') {
      throw AuthTokenError.from(`token exchange at ${endpoint} did not return an ID-JAG (issued_token_type ${JSON.stringify(json?.issued_token_type)})`, { status: response.status });
    }
    return json.access_token;
  };
}
