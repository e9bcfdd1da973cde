/**
 * `mcp.yaml` as written (after the schema accepted it and references were substituted): the loader's input shape.
 * @module
 */

export type RawDuration = number | string;

export interface RawPolicy {
  allowTools?: string[];
  denyTools?: string[];
  timeout?: RawDuration;
  listTimeout?: RawDuration;
}

export interface RawStdioServer extends RawPolicy {
  command: string;
  args?: (string | number | boolean)[];
  env?: Record<string, string | number | boolean>;
  cwd?: string;
  idleTimeout?: RawDuration;
}

export interface RawHttpServer extends RawPolicy {
  url: string;
  headers?: Record<string, string>;
  auth?: { type: 'none' | 'client_credentials' | 'token_exchange'; [field: string]: string | undefined };
}

export interface RawKey {
  id: string;
  key?: string;
  sha256?: string;
  scopes: string[];
  expires?: string;
}

export interface RawDatabase {
  sqlite?: string;
  postgres?: string;
}

export interface RawConfig {
  listen?: {
    host?: string;
    port?: number;
    path?: string;
    publicUrl?: string;
    allowedHosts?: string[];
    allowedOrigins?: string[];
    tls?: { cert: string; key: string };
  };
  servers?: Record<string, RawStdioServer | RawHttpServer>;
  keys?: RawKey[];
  scopes?: Record<string, string[]>;
  rateLimits?: { per: 'principal' | 'server' | 'tool'; limit: number; window: RawDuration; tools?: string[] }[];
  concurrency?: { perPrincipal?: number; queue?: number; queueTimeout?: RawDuration };
  audit?: RawDatabase & { arguments?: 'hash' | 'redact' | 'full' };
  store?: RawDatabase;
  storage?: { postgres?: string; redis?: string; redisPrefix?: string; redisFailMode?: 'open' | 'closed' };
  sessions?: { secret: string };
  oauth?: { issuer: string; audience?: string; jwksUrl?: string; scopesClaim?: string; authorizationServers?: string[] };
  routes?: { path: string; servers?: string[]; tools?: string[] }[];
  anonymous?: { scopes: string[] };
  trust?: {
    lockfile?: string;
    pins?: 'lockfile' | 'store';
    onDrift?: 'block-server' | 'quarantine-tool' | 'warn';
    onNew?: 'pin' | 'quarantine';
    recheck?: RawDuration;
    guardrails?: { secrets?: 'redact' | 'block' | 'flag' | 'off'; injection?: 'block' | 'flag' | 'off'; spotlight?: boolean };
    signingKey?: string;
  };
  logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  metrics?: boolean;
}
