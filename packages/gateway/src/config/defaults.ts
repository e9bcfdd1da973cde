/**
 * The defaults of `mcp.yaml`, in one place; a test keeps the schema's `default`s equal to them.
 * @module
 */

export const CONFIG_DEFAULTS = {
  host: '127.0.0.1',
  /** 8080: the customary port of an HTTP service in front of others; `--config` users change it with listen.port. */
  port: 8080,
  path: '/mcp',
  timeoutMs: 60_000,
  listTimeoutMs: 5_000,
  idleTimeoutMs: 0,
  perPrincipal: 16,
  queue: 64,
  queueTimeoutMs: 30_000,
  auditSqlite: '.mcpkit/audit.db',
  auditArguments: 'hash',
  storeSqlite: '.mcpkit/gateway.db',
  redisFailMode: 'closed',
  redisPrefix: 'mcpkit:',
  scopesClaim: 'scope',
  logLevel: 'info',
  metrics: true,
} as const;

/** A key shorter than this is refused: `mcpkit gateway keys create` makes 256-bit keys (43 characters). */
export const MIN_KEY_LENGTH = 16;

/** `sessions.secret` shorter than this (in UTF-8 bytes) is refused: session ids are sealed with a 256-bit key. */
export const MIN_SESSION_SECRET_BYTES = 32;
