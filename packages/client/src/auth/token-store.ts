/**
 * Where the OAuth client keeps client credentials (per authorization server) and tokens (per authorization
 * server and resource), plus the in-memory default.
 * @module
 */
import type { ClientCredentials, StoredTokens } from './types.js';

/**
 * Persistence for client credentials and tokens. Everything is keyed by the authorization server's `issuer`,
 * because credentials from one server must never be offered to another (spec 2026-07-28
 * basic/authorization/client-registration "Authorization Server Binding"). Implementations must keep refresh
 * tokens and secrets confidential (OAuth 2.1 §4.3).
 * @example
 * const store: TokenStore = new InMemoryTokenStore();
 * await store.saveClient('https://as.example.com', { clientId: 'abc' });
 */
export interface TokenStore {
  getClient(issuer: string): Promise<ClientCredentials | undefined>;
  saveClient(issuer: string, client: ClientCredentials): Promise<void>;
  deleteClient(issuer: string): Promise<void>;
  getTokens(issuer: string, resource: string): Promise<StoredTokens | undefined>;
  saveTokens(issuer: string, resource: string, tokens: StoredTokens): Promise<void>;
  deleteTokens(issuer: string, resource: string): Promise<void>;
}

/**
 * A {@link TokenStore} that lives as long as the process; nothing touches disk.
 * @example
 * const provider = new OAuthProvider({ serverUrl, store: new InMemoryTokenStore(), grant });
 */
export class InMemoryTokenStore implements TokenStore {
  readonly #clients = new Map<string, ClientCredentials>();
  readonly #tokens = new Map<string, StoredTokens>();

  async getClient(issuer: string): Promise<ClientCredentials | undefined> {
    return this.#clients.get(issuer);
  }
  async saveClient(issuer: string, client: ClientCredentials): Promise<void> {
    this.#clients.set(issuer, { ...client });
  }
  async deleteClient(issuer: string): Promise<void> {
    this.#clients.delete(issuer);
  }
  async getTokens(issuer: string, resource: string): Promise<StoredTokens | undefined> {
    return this.#tokens.get(tokenKey(issuer, resource));
  }
  async saveTokens(issuer: string, resource: string, tokens: StoredTokens): Promise<void> {
    this.#tokens.set(tokenKey(issuer, resource), { ...tokens });
  }
  async deleteTokens(issuer: string, resource: string): Promise<void> {
    this.#tokens.delete(tokenKey(issuer, resource));
  }
}

// A space cannot occur in a URL, so it separates the two parts unambiguously.
function tokenKey(issuer: string, resource: string): string {
  return `${issuer} ${resource}`;
}
