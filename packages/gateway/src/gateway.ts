/**
 * The gateway: upstreams behind one (or more) MCP endpoints, with authentication, scopes, limits, audit,
 * metrics and hot reload.
 * @module
 */
import type { AuthVerifier } from '@mcpkit/server';
import { jwtVerifier } from '@mcpkit/server/auth';
import { type HttpServerHandle, serveHttp, toNodeListener } from '@mcpkit/server/node';
import { createHttpHandler } from '@mcpkit/server';
import { type GatewaySessionSealing, gatewaySessionSealing, requestStateSecret } from './front/shared-sessions.js';
import type { GatewayConfig } from './config/types.js';
import { type AuditLog, openAuditLog } from './audit/index.js';
import { type Logger, createLogger } from './log.js';
import { GatewayMetrics } from './metrics.js';
import { Authorizer, ConcurrencyLimiter, GlobSet, KeyVerifier, RateLimiter, failureSourceOf, type KeyStore, type RateLimitStore } from './security/index.js';
import { operatorRoutes } from './operator-routes.js';
import { GatewayVerifier } from './security/gateway-verifier.js';
import type { ChangeBus } from './store/change-bus.js';
import { configDigest, followChanges } from './store/follow-changes.js';
import { openGatewayStores } from './store/open.js';
import { recordConfigRevision } from './store/config-revisions.js';
import { Upstream } from './upstream/upstream.js';
import { openSharedCatalogues } from './upstream/shared-catalogue.js';
import { GatewayFront } from './front/front.js';
import { type Policy, policyMiddleware, resourceUpstream } from './front/policy.js';
import { UpstreamSubscriptions } from './front/resource-watch.js';
import { GRACE_MS, PENDING_VERDICT } from './front/catalogue.js';
import { TrustGuard } from './trust/trust-guard.js';
import { ResultGuard } from './trust/guardrails.js';
import { manifestMiddleware, manifestPublisher } from '@mcpkit/trust';

export interface GatewayOptions {
  /** Default: pino on stderr at the config's level. */
  log?: Logger;
  /** Default true: install the SIGTERM graceful shutdown. */
  handleSignals?: boolean;
}

export interface GatewayHandle {
  /** The main endpoint, e.g. `http://127.0.0.1:8080/mcp`. */
  readonly url: string;
  readonly port: number;
  readonly keys: KeyStore;
  /** Change notices shared with the other replicas (a bus that reaches nobody without shared storage). */
  readonly changes: ChangeBus;
  readonly audit: AuditLog;
  readonly metrics: GatewayMetrics;
  upstream(name: string): Upstream | undefined;
  /** Applies a new configuration: upstreams added, removed or restarted; keys, scopes and limits replaced. */
  reload(config: GatewayConfig): Promise<void>;
  /** Stops accepting, lets calls in flight finish (up to `timeoutMs`), then closes upstreams and stores. */
  close(options?: { timeoutMs?: number }): Promise<void>;
}

function buildPolicy(config: GatewayConfig, buckets: RateLimitStore | undefined): Policy {
  return {
    authorizer: new Authorizer(config.scopes),
    limiter: new RateLimiter<RateLimitStore>(config.rateLimits, buckets ? { store: buckets } : {}),
    concurrency: new ConcurrencyLimiter({ limit: config.concurrency.perPrincipal, queue: config.concurrency.queue, queueTimeoutMs: config.concurrency.queueTimeoutMs }),
    anonymousScopes: config.anonymous?.scopes,
    auditArguments: config.audit.arguments,
  };
}

function publicUrl(config: GatewayConfig, port: number): string {
  if (config.listen.publicUrl) return config.listen.publicUrl;
  const host = config.listen.host.includes(':') ? `[${config.listen.host}]` : config.listen.host;
  return `${config.listen.tls ? 'https' : 'http'}://${host}:${port}${config.listen.path}`;
}

async function jwksUrlOf(issuer: string): Promise<string> {
  const base = issuer.replace(/\/$/, '');
  for (const path of ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration']) {
    try {
      const res = await fetch(base + path, { redirect: 'error', signal: AbortSignal.timeout(5000) });
      if (!res.ok) continue;
      const meta = (await res.json()) as { jwks_uri?: unknown };
      if (typeof meta.jwks_uri === 'string') return meta.jwks_uri;
    } catch {
      // Try the next well-known document.
    }
  }
  throw new Error(`oauth.jwksUrl is not set and ${issuer} publishes no metadata with a jwks_uri`);
}

/**
 * Starts a gateway from a loaded configuration.
 * @example
 * const gateway = await startGateway(await loadGatewayConfig('mcp.yaml'));
 * console.log(gateway.url);
 */
export async function startGateway(initial: GatewayConfig, options: GatewayOptions = {}): Promise<GatewayHandle> {
  let config = initial;
  const log = options.log ?? createLogger(config.logLevel);
  const metrics = new GatewayMetrics();
  // A PostgreSQL or Redis that is down stops the start here, in one line naming the field and the URL.
  const stores = await openGatewayStores(config, { onError: (e) => log.error({ err: e.message }, 'shared storage failed') });
  const audit = await openAuditLog(config.audit.store, { onError: (e) => log.error({ err: (e as Error).message }, 'audit write failed') }).catch(async (error: unknown) => {
    await stores.close();
    throw error;
  });
  const keys = stores.keys;
  void recordConfigRevision(config, stores.revisions, log);
  const upstreams = new Map<string, Upstream>();
  let policy = buildPolicy(config, stores.rateLimits);
  const fronts: GatewayFront[] = [];

  const resync = () => {
    for (const f of fronts) f.sync();
  };
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  // Pinning: each fresh catalogue is checked against the lockfile before the fronts use it.
  const trust = config.trust
    ? new TrustGuard(config.trust, {
        log,
        audit,
        metrics,
        pins: stores.pins,
        onLockfileChanged: () => {
          // Only upstreams whose catalogue was read: checking one still connecting would pin an empty catalogue.
          void Promise.all([...upstreams.values()].filter((u) => u.state === 'up' && u.listed).map((u) => trust!.check(u).catch(() => undefined))).then(resync);
        },
      })
    : undefined;
  if (trust) {
    try {
      await trust.start();
    } catch (error) {
      // A lockfile that cannot be used stops the start; nothing opened so far may stay open.
      await audit.close();
      await stores.close();
      throw error;
    }
  }
  // The gateway's own upstream subscriptions follow its clients' (counted, per replica).
  const subscriptions = new UpstreamSubscriptions((name, uri, on) => {
    upstreams.get(name)?.subscribe(uri, on).catch((e: unknown) => log.debug({ upstream: name, uri, err: (e as Error).message }, 'upstream subscribe failed'));
  });
  const events = {
    onCatalogue: () => resync(),
    ...(trust ? { onVerify: async (u: Upstream) => void (await trust.check(u)) } : {}),
    onState: (u: Upstream) => {
      metrics.upstreamUp.set({ upstream: u.name }, u.state === 'up' ? 1 : 0);
      // A new connection knows none of the old one's subscriptions.
      if (u.state === 'up') for (const uri of subscriptions.urisOf(u.name)) u.subscribe(uri, true).catch(() => undefined);
      if (u.state === 'down') {
        metrics.upstreamRestarts.inc({ upstream: u.name });
        // Its entries leave the lists once the grace period is over, unless it came back.
        clearTimeout(graceTimer);
        graceTimer = setTimeout(resync, GRACE_MS + 50);
        graceTimer.unref();
      }
      resync();
    },
    onResourceUpdated: (_u: Upstream, uri: string) => {
      for (const f of fronts) f.server.notifyResourceUpdated(uri);
    },
  };
  // storage.redis: one replica lists an HTTP upstream per change, the others use its catalogue (stdio: each its own).
  const catalogues = await openSharedCatalogues(config, log);
  const addUpstream = (entry: GatewayConfig['servers'][string]) => {
    const u = new Upstream(entry, events, log, catalogues);
    upstreams.set(entry.name, u);
    u.start().catch(() => undefined);
  };

  const results = new ResultGuard({ config: () => config.trust, audit, metrics, log });
  const makeFront = (route: string, servers: string[] | undefined, tools: string[] | undefined): GatewayFront => {
    const serverSet = servers ? new Set(servers) : undefined;
    const toolGlobs = tools ? new GlobSet(tools) : undefined;
    const front = new GatewayFront(
      {
        upstreams: () => [...upstreams.values()].filter((u) => !serverSet || serverSet.has(u.name)),
        ...(toolGlobs ? { toolFilter: (name: string) => toolGlobs.test(name) } : {}),
        // With pinning on, an upstream not checked yet is withheld (PENDING_VERDICT), not served unchecked.
        ...(trust ? { verdictOf: (name: string) => trust.decision(name) ?? PENDING_VERDICT } : {}),
        results,
        log,
        // sessions.secret: an input_required round's retry may reach another replica, which must accept its state.
        ...(config.sessions ? { requestStateSecret: requestStateSecret(config.sessions.secret, route) } : {}),
      },
      (name) => upstreams.get(name),
    );
    front.server.use(policyMiddleware({ policy: () => policy, front, audit, metrics, log, route }));
    subscriptions.follow(front.server, (uri) => resourceUpstream(front, uri));
    fronts.push(front);
    return front;
  };

  const main = makeFront(config.listen.path, undefined, undefined);
  const routeFronts = config.routes.map((r) => ({ path: r.path, front: makeFront(r.path, r.servers, r.tools) }));
  for (const entry of Object.values(config.servers)) addUpstream(entry);
  // Definitions changed without a list_changed are found by reading the lists again now and then.
  const recheckMs = config.trust?.recheckMs ?? 0;
  const recheck = recheckMs > 0 ? setInterval(() => {
    // With shared catalogues, a list another replica took within half a period counts as this replica's.
    for (const u of upstreams.values()) if (u.state === 'up') void u.refresh({ since: Date.now() - recheckMs / 2 });
  }, recheckMs) : undefined;
  recheck?.unref();

  const keyVerifier = () => new KeyVerifier(config.keys, keys);
  const jwt = async (c: GatewayConfig, port: number): Promise<AuthVerifier | undefined> => {
    if (!c.oauth) return undefined;
    return jwtVerifier({
      issuer: c.oauth.issuer,
      audience: c.oauth.audience ?? publicUrl(c, port),
      jwksUrl: c.oauth.jwksUrl ?? (await jwksUrlOf(c.oauth.issuer)),
      scopesClaim: c.oauth.scopesClaim,
    });
  };
  const verifier = new GatewayVerifier(keyVerifier(), undefined);
  const authOptions = () => ({
    verifier,
    optional: config.anonymous !== undefined,
    ...(config.listen.publicUrl ? { resource: config.listen.publicUrl } : {}),
    ...(config.oauth ? { authorizationServers: config.oauth.authorizationServers } : {}),
    scopesSupported: Object.keys(config.scopes),
    onRefusal: (r: { status: number; failure: string; message: string; remoteAddress: string | undefined }) => {
      metrics.refusals.inc({ reason: 'auth' });
      // Only presented credentials are guesses: a request with none (an OAuth client's first, discovering
      // request; a probe) must not lock out the keys that come from the same address.
      if (r.status === 401 && r.failure !== 'missing') verifier.tracker.recordFailure(failureSourceOf(r.remoteAddress ?? 'unknown'));
      void audit
        .append({ method: 'http/auth', outcome: 'refused', errorCode: r.status, durationMs: 0, reason: `auth: ${r.failure}: ${r.message}`, route: config.listen.path })
        .catch(() => undefined);
    },
  });
  const httpOptions = {
    allowedHosts: config.listen.allowedHosts,
    allowedOrigins: config.listen.allowedOrigins,
    auth: authOptions(),
  };
  // sessions.secret: session ids any replica (or this one after a restart) can open.
  let sealing: GatewaySessionSealing | undefined;
  try {
    sealing = await gatewaySessionSealing(config, log);
  } catch (error) {
    for (const u of upstreams.values()) await u.close();
    await catalogues?.close();
    await audit.close();
    await stores.close();
    throw error;
  }
  // /metrics, the trust admin and the admin API; the routes' MCP endpoints are added after them.
  const routes = operatorRoutes({ config, configKeys: () => config.keys, metrics, verifier, audit, keys, trust, upstreams, bus: stores.bus, resync, log });
  for (const [i, r] of routeFronts.entries()) {
    const loopback = ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(config.listen.host);
    const handler = createHttpHandler(
      r.front.server,
      cleanHttp({ ...httpOptions, allowedHosts: httpOptions.allowedHosts ?? (loopback ? undefined : (false as const)), sealedSessions: sealing?.forFront(i + 1), eventStore: sealing?.eventStore }),
    );
    routes[r.path] = toNodeListener(handler);
  }
  let handle: HttpServerHandle;
  try {
    handle = await serveHttp(main.server, {
      ...cleanHttp({ ...httpOptions, sealedSessions: sealing?.forFront(0), eventStore: sealing?.eventStore }),
      host: config.listen.host,
      port: config.listen.port,
      path: config.listen.path,
      ...(config.listen.tls ? { tls: config.listen.tls } : {}),
      routes,
      ready: () => [...upstreams.values()].some((u) => u.state === 'up') || upstreams.size === 0,
      gracefulShutdown: options.handleSignals === false ? false : { timeoutMs: 10_000 },
    });
  } catch (error) {
    for (const u of upstreams.values()) await u.close();
    await catalogues?.close();
    await sealing?.close();
    await audit.close();
    await keys.close();
    throw error;
  }
  verifier.jwt = await jwt(config, handle.port);
  // The gateway signs the manifest of the aggregated view it serves (trust.signingKey).
  if (config.trust?.signingKey !== undefined) {
    const publish = manifestPublisher({
      issuer: publicUrl(config, handle.port),
      privateJwk: parseSigningKey(config.trust.signingKey),
      snapshot: () => ({
        name: 'mcpkit-gateway',
        serverInfo: main.server.info,
        tools: [...main.catalogue.tools.values()].map((e) => e.definition),
        prompts: [...main.catalogue.prompts.values()].map((e) => e.definition),
        resourceTemplates: main.catalogue.templates.map((e) => e.definition),
      }),
    });
    main.server.use(manifestMiddleware(publish));
  }

  const reload = async (next: GatewayConfig, announce = true): Promise<void> => {
    // All or nothing: whatever can refuse the new config (scope globs the loader passes but the Authorizer does
    // not, keys, the OAuth issuer's metadata) is built before the first upstream is touched.
    const nextPolicy = buildPolicy(next, stores.rateLimits);
    // The counters live in the limiters: keep them while their rules stay the same, or any edit to the file
    // would hand every principal a fresh allowance (and forget the calls in flight).
    if (JSON.stringify(next.rateLimits) === JSON.stringify(config.rateLimits)) nextPolicy.limiter = policy.limiter;
    if (JSON.stringify(next.concurrency) === JSON.stringify(config.concurrency)) nextPolicy.concurrency = policy.concurrency;
    const nextKeys = new KeyVerifier(next.keys, keys);
    const nextJwt = await jwt(next, handle.port);
    for (const [name, u] of upstreams) {
      const wanted = next.servers[name];
      if (!wanted) {
        upstreams.delete(name);
        await u.close();
      } else if (JSON.stringify(wanted) !== JSON.stringify(u.config)) {
        await u.close();
        upstreams.delete(name);
        addUpstream(wanted);
      }
    }
    for (const entry of Object.values(next.servers)) if (!upstreams.has(entry.name)) addUpstream(entry);
    policy = nextPolicy;
    verifier.keys = nextKeys;
    verifier.jwt = nextJwt;
    if (JSON.stringify(next.listen) !== JSON.stringify(config.listen) || JSON.stringify(next.routes) !== JSON.stringify(config.routes)) {
      log.warn('listen and routes changes take effect after a restart');
    }
    config = next;
    resync();
    log.info('configuration reloaded');
    void recordConfigRevision(next, stores.revisions, log);
    if (announce) void stores.bus.publish({ type: 'config-reloaded', digest: configDigest(next) }).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not tell the other replicas of the reload'));
  };
  const unfollow = followChanges({
    bus: stores.bus,
    log,
    forgetKey: (id) => verifier.keys.forget(id),
    ...(trust ? { trust } : {}),
    recheckTrust: () => void Promise.all([...upstreams.values()].filter((u) => u.state === 'up').map((u) => trust?.check(u).catch(() => undefined))).then(resync),
    config: () => config,
    reload: (next) => reload(next, false),
  });

  let closing: Promise<void> | undefined;
  return {
    url: handle.url,
    port: handle.port,
    keys,
    changes: stores.bus,
    audit,
    metrics,
    upstream: (name) => upstreams.get(name),
    reload: (next) => reload(next),
    close(o = {}) {
      return (closing ??= (async () => {
        clearTimeout(graceTimer);
        clearInterval(recheck);
        trust?.close();
        await handle.shutdown({ timeoutMs: o.timeoutMs ?? 10_000 });
        for (const r of routeFronts) await r.front.server.close();
        await Promise.all([...upstreams.values()].map((u) => u.close()));
        await catalogues?.close();
        await sealing?.close();
        unfollow();
        await audit.close();
        await stores.close();
      })());
    },
  };
}

/** The private JWK of `trust.signingKey` (JSON text, from `${file:…}` or `${env:…}`). */
function parseSigningKey(text: string): import('@mcpkit/trust').PublishedManifest['keys'][number] {
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw new Error('trust.signingKey is not a JSON Web Key (expected the JSON of a private JWK, e.g. ${file:keys/private.jwk})');
  }
  const key = jwk as { d?: unknown; kid?: unknown };
  if (typeof key !== 'object' || key === null || typeof key.d !== 'string') throw new Error('trust.signingKey must be a private JWK (it has no "d")');
  if (typeof key.kid !== 'string') throw new Error('trust.signingKey needs a "kid" (mcpkit sign keygen writes one)');
  return jwk as import('@mcpkit/trust').PublishedManifest['keys'][number];
}

function cleanHttp<T extends Record<string, unknown>>(o: T): T {
  const out = { ...o };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
