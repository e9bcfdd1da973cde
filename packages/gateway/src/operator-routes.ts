/**
 * The gateway's HTTP endpoints for its operators, served beside the MCP routes: `/metrics` (when
 * `metrics` is on), the trust admin (`/admin/trust`, with pinning on) and the admin API (audit and keys).
 * @module
 */
import type { NodeListener } from '@mcpkit/server/node';
import type { GatewayConfig } from './config/types.js';
import type { AuditLog } from './audit/index.js';
import type { Logger } from './log.js';
import type { GatewayMetrics } from './metrics.js';
import type { KeyStore } from './security/index.js';
import type { GatewayVerifier } from './security/gateway-verifier.js';
import type { ChangeBus } from './store/change-bus.js';
import type { Upstream } from './upstream/upstream.js';
import type { TrustGuard } from './trust/trust-guard.js';
import { ADMIN_API_PATHS, adminApi, adminHosts } from './admin/admin-api.js';
import { trustAdmin } from './trust/admin.js';

export interface OperatorRoutesDeps {
  /** The configuration at start: whether `/metrics` is served, and the hosts the admin endpoints accept. */
  config: GatewayConfig;
  /** The keys written in the configuration now (it may have been reloaded since the start). */
  configKeys: () => GatewayConfig['keys'];
  metrics: GatewayMetrics;
  verifier: GatewayVerifier;
  audit: AuditLog;
  keys: KeyStore;
  /** With pinning on: the trust admin. */
  trust: TrustGuard | undefined;
  /** The live upstreams by name. */
  upstreams: ReadonlyMap<string, Upstream>;
  /** Change notices for the other replicas (an approval). */
  bus: ChangeBus;
  /** Rebuilds every front's lists. */
  resync: () => void;
  log: Logger;
}

/** The operator endpoints by path, for `serveHttp`'s `routes`. */
export function operatorRoutes(deps: OperatorRoutesDeps): Record<string, NodeListener> {
  const { config, metrics, verifier, audit, keys, trust, upstreams, resync, log } = deps;
  const routes: Record<string, NodeListener> = {};
  if (config.metrics) {
    routes['/metrics'] = (_req, res) => {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
    };
  }
  if (trust) {
    const admin = trustAdmin({
      verifier,
      guard: trust,
      upstream: (name) => upstreams.get(name),
      upstreams: () => upstreams.values(),
      allowedHosts: adminHosts(config.listen),
      recheck: async (u) => {
        await trust.check(u);
        resync();
        void deps.bus.publish({ type: 'trust-approved', server: u.name }).catch((e: unknown) => log.warn({ err: (e as Error).message }, 'could not tell the other replicas of the approval'));
      },
    });
    routes['/admin/trust'] = admin;
    routes['/admin/trust/approve'] = admin;
  }
  const gatewayAdmin = adminApi({ verifier, audit, keys, configKeys: deps.configKeys, allowedHosts: adminHosts(config.listen) });
  for (const path of ADMIN_API_PATHS) routes[path] = gatewayAdmin;
  return routes;
}
