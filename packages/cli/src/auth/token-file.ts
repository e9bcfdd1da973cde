/**
 * Where `mcpkit login` keeps OAuth tokens: one JSON file, mode 0600, under the user's config directory
 * (`$XDG_CONFIG_HOME/mcpkit/tokens.json`, else `~/.config/mcpkit/tokens.json`). Logins are keyed by the resource
 * URL (the protected resource the tokens are for), each with the authorization server that issued them; client
 * registrations are keyed by that server's issuer.
 * @module
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import type { ClientCredentials, StoredTokens, TokenStore } from '@mcpkit/client/auth';
import { resourceCovers } from '@mcpkit/client/auth';
import { CliError, ExitCode } from '../failure.js';

/** One server's login. */
export interface StoredLogin {
  issuer: string;
  tokens: StoredTokens;
  /** When the tokens were last written (ISO 8601), for `mcpkit login` and people reading the file. */
  savedAt: string;
}

interface TokenFileData {
  version: 1;
  /** By issuer. */
  clients: Record<string, ClientCredentials>;
  /** By resource URL. */
  logins: Record<string, StoredLogin>;
}

/** `$XDG_CONFIG_HOME/mcpkit/tokens.json`, or `~/.config/mcpkit/tokens.json` (XDG: a relative value is ignored). */
export function tokenFilePath(env: Record<string, string | undefined> = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && xdg !== '' && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'mcpkit', 'tokens.json');
}

/** A {@link TokenStore} over the token file; every operation reads it afresh, every change rewrites it atomically. */
export class TokenFile implements TokenStore {
  readonly path: string;

  constructor(path: string = tokenFilePath()) {
    this.path = path;
  }

  /**
   * The file's contents; an absent file is empty.
   * @throws CliError (exit 2) for a file that is not a token file.
   */
  read(): TokenFileData {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, clients: {}, logins: {} };
      throw new CliError(ExitCode.Usage, `cannot read the token file ${this.path}: ${(error as Error).message}`);
    }
    let data: Partial<TokenFileData> | undefined;
    try {
      data = JSON.parse(text) as Partial<TokenFileData>;
    } catch {
      data = undefined;
    }
    if (typeof data !== 'object' || data === null || data.version !== 1 || typeof data.logins !== 'object' || typeof data.clients !== 'object') {
      throw new CliError(ExitCode.Usage, `${this.path} is not an mcpkit token file`, 'delete it and log in again with `mcpkit login URL`');
    }
    return data as TokenFileData;
  }

  #update(change: (data: TokenFileData) => void): void {
    const data = this.read();
    change(data);
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    // Written beside the file and renamed over it: a crash never leaves half a file. 0600 from the first byte,
    // and again after the rename in case the file existed with a wider mode.
    const temp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.path);
    chmodSync(this.path, 0o600);
  }

  async getClient(issuer: string): Promise<ClientCredentials | undefined> {
    return this.read().clients[issuer];
  }

  async saveClient(issuer: string, client: ClientCredentials): Promise<void> {
    this.#update((data) => (data.clients[issuer] = { ...client }));
  }

  async deleteClient(issuer: string): Promise<void> {
    this.#update((data) => delete data.clients[issuer]);
  }

  async getTokens(issuer: string, resource: string): Promise<StoredTokens | undefined> {
    const login = this.read().logins[resource];
    // Tokens are only ever offered to the server that issued them.
    return login?.issuer === issuer ? login.tokens : undefined;
  }

  async saveTokens(issuer: string, resource: string, tokens: StoredTokens): Promise<void> {
    this.#update((data) => (data.logins[resource] = { issuer, tokens: { ...tokens }, savedAt: new Date().toISOString() }));
  }

  async deleteTokens(issuer: string, resource: string): Promise<void> {
    this.#update((data) => {
      if (data.logins[resource]?.issuer === issuer) delete data.logins[resource];
    });
  }

  /** The login for the MCP server at `url`: the one whose resource covers it, the most specific if several do. */
  loginFor(url: string): (StoredLogin & { resource: string }) | undefined {
    let best: (StoredLogin & { resource: string }) | undefined;
    for (const [resource, login] of Object.entries(this.read().logins)) {
      if (!covers(resource, url)) continue;
      if (!best || resource.length > best.resource.length) best = { ...login, resource };
    }
    return best;
  }

  /** Forgets every login whose resource covers `url`; returns their resources. */
  forget(url: string): string[] {
    const gone = Object.keys(this.read().logins).filter((resource) => covers(resource, url));
    if (gone.length > 0) this.#update((data) => gone.forEach((resource) => delete data.logins[resource]));
    return gone;
  }
}

function covers(resource: string, url: string): boolean {
  try {
    return resourceCovers(resource, url);
  } catch {
    return false;
  }
}
