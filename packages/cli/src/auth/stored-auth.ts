/**
 * The credentials `mcpkit login` left for a server, as an auth provider for the HTTP transports: the stored access
 * token goes out with the first request; an expired one is refreshed (through {@link OAuthProvider}, which writes
 * the new tokens back to the token file); a login that can no longer be refreshed asks for `mcpkit login` again.
 * @module
 */
import type { HttpAuthProvider } from '@mcpkit/client';
import { type ClientMetadata, type StoredTokens, OAuthProvider, isLoopbackHost, isPrivateHost } from '@mcpkit/client/auth';
import { TokenFile } from './token-file.js';

/** How the CLI registers itself with authorization servers. */
export const CLI_CLIENT_METADATA: ClientMetadata = { client_name: 'mcpkit command line', application_type: 'native' };

// As the provider does: a token this close to expiry is refreshed rather than sent and refused.
const EXPIRY_SKEW_MS = 30_000;

/**
 * Metadata and token endpoints may sit on the local network only when the MCP server itself does: the user
 * pointed mcpkit there, so a loopback or private authorization server is what they asked for.
 */
export function allowsPrivateNetwork(serverUrl: string): boolean {
  const host = new URL(serverUrl).hostname.replace(/^\[|\]$/g, '');
  return isLoopbackHost(host) || isPrivateHost(host);
}

function usable(tokens: StoredTokens): boolean {
  return tokens.tokenType === 'Bearer' && (tokens.expiresAt === undefined || tokens.expiresAt - EXPIRY_SKEW_MS > Date.now());
}

/**
 * The auth provider for `url` when a login covers it; undefined when there is none.
 * @throws CliError (exit 2) for an unreadable token file.
 */
export function storedLoginAuth(url: string, file: TokenFile = new TokenFile()): HttpAuthProvider | undefined {
  const login = file.loginFor(url);
  if (!login) return undefined;
  const provider = new OAuthProvider({
    serverUrl: url,
    store: file,
    authorizationServer: login.issuer,
    allowPrivateNetwork: allowsPrivateNetwork(url),
    clientMetadata: CLI_CLIENT_METADATA,
    // A DPoP key would have to be kept with the tokens; the CLI keeps bearer tokens only.
    dpop: false,
    grant: {
      type: 'authorization_code',
      redirectUrl: 'http://127.0.0.1/callback',
      authorize: () => Promise.reject(new Error(`the login for ${url} has expired and cannot be refreshed: run \`mcpkit login ${url}\``)),
    },
  });
  let stored: StoredTokens | undefined = usable(login.tokens) ? login.tokens : undefined;
  return {
    async headers(request) {
      const own = await provider.headers(request);
      if (Object.keys(own).length > 0 || !stored) return own;
      return { authorization: `Bearer ${stored.accessToken}` };
    },
    onUnauthorized(response, request) {
      // From here on the provider decides: refresh, or ask for a new login.
      stored = undefined;
      return provider.onUnauthorized(response, request);
    },
  };
}
