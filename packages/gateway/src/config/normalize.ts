/**
 * From `mcp.yaml` as written to the {@link GatewayConfig} the gateway reads: defaults applied, durations in
 * milliseconds, paths absolute, keys hashed. Per-field problems are collected, not thrown.
 * @module
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { isLoopbackHost } from './checks.js';
import { CONFIG_DEFAULTS, MIN_KEY_LENGTH } from './defaults.js';
import { parseDuration } from './duration.js';
import type { FieldPath } from './field-path.js';
import type { RawConfig, RawDatabase, RawDuration, RawHttpServer, RawKey, RawPolicy, RawStdioServer } from './raw-config.js';
import type { ConfigKey, GatewayConfig, UpstreamAuthConfig, UpstreamEntry } from './types.js';
import type { RawProblem } from './raw-problem.js';
import { normalizeStorage } from './storage.js';

interface Context {
  baseDir: string;
  problems: RawProblem[];
}

/** The loaded configuration, or problems (then the config is incomplete and must not be used). */
export function normalizeConfig(raw: RawConfig, source: string, baseDir: string): { config: GatewayConfig; problems: RawProblem[] } {
  const cx: Context = { baseDir, problems: [] };
  const d = CONFIG_DEFAULTS;
  const listen = raw.listen ?? {};
  const config: GatewayConfig = {
    source,
    listen: {
      host: listen.host ?? d.host,
      port: listen.port ?? d.port,
      path: checkedPath(cx, ['listen', 'path'], listen.path ?? d.path),
    },
    servers: dictionary<UpstreamEntry>(undefined),
    keys: (raw.keys ?? []).map((key, i) => normalizeKey(cx, key, i)),
    scopes: dictionary(raw.scopes),
    rateLimits: (raw.rateLimits ?? []).map((rule, i) => ({
      per: rule.per,
      limit: rule.limit,
      windowMs: duration(cx, ['rateLimits', i, 'window'], rule.window, 0, { positive: true }),
      ...(rule.tools ? { tools: rule.tools } : {}),
    })),
    concurrency: {
      perPrincipal: raw.concurrency?.perPrincipal ?? d.perPrincipal,
      queue: raw.concurrency?.queue ?? d.queue,
      queueTimeoutMs: duration(cx, ['concurrency', 'queueTimeout'], raw.concurrency?.queueTimeout, d.queueTimeoutMs),
    },
    audit: {
      store: database(cx, raw.audit, d.auditSqlite),
      arguments: checkedEnum(cx, ['audit', 'arguments'], raw.audit?.arguments ?? d.auditArguments, ['hash', 'redact', 'full']),
    },
    store: database(cx, raw.store, d.storeSqlite),
    routes: (raw.routes ?? []).map((route, i) => ({ ...route, path: checkedPath(cx, ['routes', i, 'path'], route.path) })),
    logLevel: checkedEnum(cx, ['logLevel'], raw.logLevel ?? d.logLevel, ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    metrics: raw.metrics ?? d.metrics,
  };
  if (listen.publicUrl !== undefined) config.listen.publicUrl = checkedUrl(cx, ['listen', 'publicUrl'], listen.publicUrl);
  if (listen.allowedHosts) config.listen.allowedHosts = listen.allowedHosts;
  if (listen.allowedOrigins) config.listen.allowedOrigins = listen.allowedOrigins;
  if (listen.tls) config.listen.tls = { cert: resolve(baseDir, listen.tls.cert), key: resolve(baseDir, listen.tls.key) };
  for (const [name, server] of Object.entries(raw.servers ?? {})) config.servers[name] = normalizeServer(cx, name, server);
  if (raw.oauth) {
    const o = raw.oauth;
    config.oauth = {
      issuer: checkedUrl(cx, ['oauth', 'issuer'], o.issuer, { https: true }),
      scopesClaim: o.scopesClaim ?? d.scopesClaim,
      authorizationServers: o.authorizationServers?.map((url, i) => checkedUrl(cx, ['oauth', 'authorizationServers', i], url, { https: true })) ?? [o.issuer],
    };
    if (o.audience !== undefined) config.oauth.audience = o.audience;
    if (o.jwksUrl !== undefined) config.oauth.jwksUrl = checkedUrl(cx, ['oauth', 'jwksUrl'], o.jwksUrl, { https: true });
  }
  const { storage, sessions } = normalizeStorage(raw, cx.problems);
  if (storage) config.storage = storage;
  // Every reader of keys and state looks at `store`; storage.postgres is where they live now.
  if (storage?.postgres !== undefined) config.store = { postgres: storage.postgres };
  if (sessions) config.sessions = sessions;
  if (raw.anonymous) config.anonymous = { scopes: raw.anonymous.scopes };
  if (raw.trust) {
    const t = raw.trust;
    const g = t.guardrails ?? {};
    config.trust = {
      lockfile: resolve(baseDir, t.lockfile ?? 'mcp.lock.json'),
      // Replicas on PostgreSQL share pins there; one process keeps the lockfile a repository commits.
      pins: t.pins ?? ('postgres' in config.store ? 'store' : 'lockfile'),
      onDrift: t.onDrift ?? 'quarantine-tool',
      onNew: t.onNew ?? 'pin',
      recheckMs: duration(cx, ['trust', 'recheck'], t.recheck, 60_000),
      guardrails: { secrets: g.secrets ?? 'redact', injection: g.injection ?? 'flag', spotlight: g.spotlight ?? false },
    };
    if (t.signingKey !== undefined) config.trust.signingKey = t.signingKey;
  }
  return { config, problems: cx.problems };
}

function normalizeServer(cx: Context, name: string, server: RawStdioServer | RawHttpServer): UpstreamEntry {
  const at = ['servers', name];
  const policy = normalizePolicy(cx, at, server);
  if ('url' in server) {
    return { name, transport: 'http', url: checkedUrl(cx, [...at, 'url'], server.url), headers: dictionary(server.headers), auth: normalizeAuth(server), ...policy };
  }
  const entry: UpstreamEntry = {
    name,
    transport: 'stdio',
    command: server.command,
    // YAML reads `--port 8080` as a number; the child gets the text it was written as.
    args: (server.args ?? []).map(String),
    env: dictionary(server.env, String),
    // Relative paths in the file mean relative to the file, for the child's cwd as for everything else.
    cwd: resolve(cx.baseDir, server.cwd ?? '.'),
    idleTimeoutMs: duration(cx, [...at, 'idleTimeout'], server.idleTimeout, CONFIG_DEFAULTS.idleTimeoutMs),
    ...policy,
  };
  return entry;
}

function normalizePolicy(cx: Context, at: FieldPath, policy: RawPolicy) {
  return {
    ...(policy.allowTools ? { allowTools: policy.allowTools } : {}),
    ...(policy.denyTools ? { denyTools: policy.denyTools } : {}),
    timeoutMs: duration(cx, [...at, 'timeout'], policy.timeout, CONFIG_DEFAULTS.timeoutMs, { positive: true }),
    listTimeoutMs: duration(cx, [...at, 'listTimeout'], policy.listTimeout, CONFIG_DEFAULTS.listTimeoutMs, { positive: true }),
  };
}

function normalizeAuth(server: RawHttpServer): UpstreamAuthConfig {
  const auth = server.auth;
  if (!auth || auth.type === 'none') return { type: 'none' };
  const defined = Object.fromEntries(Object.entries(auth).filter(([, v]) => v !== undefined));
  return defined as unknown as UpstreamAuthConfig;
}

function normalizeKey(cx: Context, key: RawKey, i: number): ConfigKey {
  let sha256 = '';
  if (key.key !== undefined) {
    if (key.key.length < MIN_KEY_LENGTH) {
      cx.problems.push({ path: ['keys', i, 'key'], message: `is ${key.key.length} characters long; a key needs at least ${MIN_KEY_LENGTH} (\`mcpkit gateway keys create\` makes 256-bit keys)` });
    }
    sha256 = createHash('sha256').update(key.key, 'utf8').digest('hex');
  } else if (key.sha256 !== undefined) {
    sha256 = key.sha256.toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(sha256)) cx.problems.push({ path: ['keys', i, 'sha256'], message: 'must be 64 hexadecimal digits (a SHA-256)' });
  }
  const out: ConfigKey = { id: key.id, sha256, scopes: key.scopes };
  if (key.expires !== undefined) {
    const at = parseTimestamp(key.expires);
    if (at === undefined) cx.problems.push({ path: ['keys', i, 'expires'], message: `is not a real date or date-time: ${JSON.stringify(key.expires)}` });
    else out.expiresAt = at;
  }
  return out;
}

/** Epoch ms of `2026-12-31` (its start, UTC) or an RFC 3339 date-time; undefined for 2026-02-30 and the like. */
function parseTimestamp(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?([Zz]|[+-]\d{2}:\d{2}))?$/.exec(text);
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = match.map((part) => part ?? undefined);
  // Date.parse rolls 2026-02-30 over into March; a date that does not exist is a typo, not a date.
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  const at = match[4] === undefined ? day.getTime() : Date.parse(text.replace(' ', 'T'));
  return Number.isNaN(at) ? undefined : at;
}

function database(cx: Context, raw: RawDatabase | undefined, defaultSqlite: string): { sqlite: string } | { postgres: string } {
  if (raw?.postgres !== undefined) return { postgres: raw.postgres };
  return { sqlite: resolve(cx.baseDir, raw?.sqlite ?? defaultSqlite) };
}

function duration(cx: Context, path: FieldPath, value: RawDuration | undefined, fallback: number, options: { positive?: boolean } = {}): number {
  if (value === undefined) return fallback;
  const parsed = parseDuration(value);
  if ('error' in parsed) {
    cx.problems.push({ path, message: parsed.error });
    return fallback;
  }
  if (options.positive && parsed.ms === 0) cx.problems.push({ path, message: 'must be longer than 0' });
  return parsed.ms;
}

/** A map keyed by names from the file, without a prototype: a server or scope called `toString` is just a name. */
function dictionary<T>(record: Record<string, T> | undefined): Record<string, T>;
function dictionary<T, U>(record: Record<string, T> | undefined, map: (value: T) => U): Record<string, U>;
function dictionary(record: Record<string, unknown> | undefined, map: (value: unknown) => unknown = (v) => v): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(record ?? {})) out[key] = map(value);
  return out;
}

// The schema checked these as written; a value that came from a reference is checked here.
function checkedUrl(cx: Context, path: FieldPath, value: string, options: { https?: boolean } = {}): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    cx.problems.push({ path, message: `must be an http:// or https:// URL, not ${JSON.stringify(value)}` });
  } else if (options.https && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    // OAuth 2.1 §1.5: authorization server endpoints are https, except on this machine during development.
    cx.problems.push({ path, message: `must be an https:// URL (plain http is accepted only for a loopback host), not ${JSON.stringify(value)}` });
  }
  return value;
}

function checkedPath(cx: Context, path: FieldPath, value: string): string {
  if (!/^\/[^\s?#]*$/.test(value)) cx.problems.push({ path, message: `must be a URL path starting with /, not ${JSON.stringify(value)}` });
  return value;
}

function checkedEnum<T extends string>(cx: Context, path: FieldPath, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) cx.problems.push({ path, message: `must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}` });
  return value as T;
}
