/**
 * The gateway's configuration after loading: `mcp.yaml` parsed, `${env:…}`/`${file:…}` resolved, defaults
 * applied, durations in milliseconds. Every part of the gateway reads this shape, never the YAML.
 * @module
 */

/** An upstream started as a child process (no shell) and spoken to over stdio. */
export interface StdioUpstreamConfig {
  name: string;
  transport: 'stdio';
  command: string;
  args: string[];
  /** Passed explicitly; the child inherits only a safe allow-list of the gateway's own environment besides. */
  env: Record<string, string>;
  /** Working directory, resolved against the config file's folder. */
  cwd?: string;
  /** Stop the process after this long without a call (0 = never). Started again on the next call. */
  idleTimeoutMs: number;
}

/** How the gateway authenticates to an HTTP upstream (never with the caller's token). */
export type UpstreamAuthConfig =
  | { type: 'none' }
  | { type: 'client_credentials'; tokenUrl: string; clientId: string; clientSecret: string; scope?: string; audience?: string }
  | {
      /** RFC 8693 token exchange: a subject token from the config traded for an upstream token. */
      type: 'token_exchange';
      tokenUrl: string;
      clientId: string;
      clientSecret?: string;
      subjectToken: string;
      subjectTokenType: string;
      audience?: string;
      scope?: string;
    };

/** An upstream reached over Streamable HTTP, with the legacy HTTP+SSE transport as fallback. */
export interface HttpUpstreamConfig {
  name: string;
  transport: 'http';
  url: string;
  headers: Record<string, string>;
  auth: UpstreamAuthConfig;
}

export type UpstreamConfig = StdioUpstreamConfig | HttpUpstreamConfig;

/** Per-upstream settings shared by both transports. */
export interface UpstreamPolicy {
  /** Globs over the upstream's own tool names; only matching tools are exposed. Default: all. */
  allowTools?: string[];
  /** Globs over the upstream's own tool names that are never exposed (applied after allowTools). */
  denyTools?: string[];
  /** Deadline for one request to this upstream. Default 60 s. */
  timeoutMs: number;
  /** Deadline for one list fan-out to this upstream. Default 5 s. */
  listTimeoutMs: number;
}

export type UpstreamEntry = UpstreamConfig & UpstreamPolicy;

/** A key from the config file: its hash only, whatever form it was written in. */
export interface ConfigKey {
  id: string;
  /** Lower-case hex SHA-256 of the key. */
  sha256: string;
  scopes: string[];
  /** Epoch milliseconds, if it expires. */
  expiresAt?: number;
}

export interface RateLimitRule {
  /** What one bucket counts: each principal, each principal and server, or each principal and tool. */
  per: 'principal' | 'server' | 'tool';
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
  /** Globs of namespaced tool names the rule applies to. Default: every request. */
  tools?: string[];
}

export type AuditStoreConfig = { sqlite: string } | { postgres: string };

export interface AuditConfig {
  store: AuditStoreConfig;
  /** How tool arguments are kept: a SHA-256 of their JCS form, keys kept with values redacted, or as sent. */
  arguments: 'hash' | 'redact' | 'full';
}

/** OAuth 2.1 resource server: JWT access tokens from one issuer. */
export interface OAuthConfig {
  issuer: string;
  /** Expected `aud`. Default: the gateway's public URL. */
  audience?: string;
  /** Where the issuer's keys are; default from the issuer's metadata. */
  jwksUrl?: string;
  /** The claim holding the scopes (space-separated string or array). Default `scope`. */
  scopesClaim: string;
  /** Authorization servers advertised in the protected-resource metadata. Default `[issuer]`. */
  authorizationServers: string[];
}

/** A virtual server: another path exposing a subset of upstreams and tools. */
export interface RouteConfig {
  /** e.g. `/mcp/readonly`. */
  path: string;
  /** Upstream names. Default: all. */
  servers?: string[];
  /** Globs of namespaced tool names. Default: all of those servers' tools. */
  tools?: string[];
}

/** Pinned definitions and response guardrails (`trust:` in mcp.yaml). */
export interface TrustConfig {
  /** Absolute path of the lockfile. */
  lockfile: string;
  /** Where pins and approvals live: the lockfile, or the gateway's database (`store`). */
  pins: 'lockfile' | 'store';
  onDrift: 'block-server' | 'quarantine-tool' | 'warn';
  onNew: 'pin' | 'quarantine';
  /** Re-list interval per upstream; 0 = only on list_changed. */
  recheckMs: number;
  guardrails: { secrets: 'redact' | 'block' | 'flag' | 'off'; injection: 'block' | 'flag' | 'off'; spotlight: boolean };
  /** A private JWK (JSON text) for signing the gateway's manifest. */
  signingKey?: string;
}

/** `storage:` in mcp.yaml: PostgreSQL for durable state and change notices, Redis for rate-limit buckets. */
export interface StorageConfig {
  /** Also in `store` as `{ postgres }`, which every reader of keys and state uses. */
  postgres?: string;
  redis?: string;
  /** Prefix of every Redis key and channel. Default `mcpkit:`. */
  redisPrefix: string;
  /** What a rate-limited request gets while Redis is unreachable: refused (`closed`) or let through uncounted (`open`). */
  redisFailMode: 'open' | 'closed';
}

/** `sessions:` in mcp.yaml. */
export interface SessionsConfig {
  /** Key material (at least 32 bytes) every replica shares for sealing session ids. */
  secret: string;
}

export interface GatewayConfig {
  /** Absolute path of the file this came from. */
  source: string;
  listen: {
    host: string;
    port: number;
    /** MCP endpoint path. Default `/mcp`. */
    path: string;
    /** The URL clients use (audience and resource metadata). Default from host, port and path. */
    publicUrl?: string;
    /** Extra Host names accepted (DNS-rebinding protection); default loopback names on a loopback bind. */
    allowedHosts?: string[];
    allowedOrigins?: string[];
    tls?: { cert: string; key: string };
  };
  servers: Record<string, UpstreamEntry>;
  /** Keys written in the file (keys made with `mcpkit gateway keys create` live in the store). */
  keys: ConfigKey[];
  scopes: Record<string, string[]>;
  rateLimits: RateLimitRule[];
  /** Calls in flight at once, per principal, and how many more may wait. */
  concurrency: { perPrincipal: number; queue: number; queueTimeoutMs: number };
  audit: AuditConfig;
  /** Where keys and other durable state live. Default: SQLite beside the audit database; `storage.postgres` when set. */
  store: { sqlite: string } | { postgres: string };
  /** Shared state for replicas; absent when the file has no `storage:` section. */
  storage?: StorageConfig;
  /** Sessions any replica can open; absent when the file has no `sessions:` section. */
  sessions?: SessionsConfig;
  oauth?: OAuthConfig;
  routes: RouteConfig[];
  /** Allow calls without credentials (local development only); they get the listed scopes. */
  anonymous?: { scopes: string[] };
  /** Pinning and guardrails; absent when the file has no `trust:` section. */
  trust?: TrustConfig;
  /** Log level for the structured logs on stderr. Default `info`. */
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Serve Prometheus metrics at `/metrics`. Default true. */
  metrics: boolean;
}
