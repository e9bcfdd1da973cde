/**
 * Prometheus metrics (prom-client) in a registry of the gateway's own, so two gateways in one process (tests)
 * never share counters.
 * @module
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({
    name: 'mcpkit_gateway_requests_total',
    help: 'Requests handled, by method, upstream and outcome (ok, error, refused).',
    labelNames: ['method', 'upstream', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'mcpkit_gateway_request_duration_seconds',
    help: 'Time from the request reaching the gateway to its answer.',
    labelNames: ['method', 'upstream'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly refusals = new Counter({
    name: 'mcpkit_gateway_refusals_total',
    help: 'Requests refused by the gateway, by reason (auth, scope, rate_limit, concurrency).',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  readonly upstreamUp = new Gauge({
    name: 'mcpkit_gateway_upstream_up',
    help: '1 when the upstream is connected, 0 otherwise.',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });
  readonly upstreamRestarts = new Counter({
    name: 'mcpkit_gateway_upstream_restarts_total',
    help: 'Times an upstream connection was lost and restarted.',
    labelNames: ['upstream'] as const,
    registers: [this.registry],
  });

  readonly trustDrift = new Counter({
    name: 'mcpkit_gateway_trust_drift_total',
    help: 'Upstream definitions found to differ from the lockfile, by upstream and action (block-server, quarantine-tool, warn).',
    labelNames: ['upstream', 'action'] as const,
    registers: [this.registry],
  });

  readonly guardrails = new Counter({
    name: 'mcpkit_gateway_guardrail_findings_total',
    help: 'Guardrail findings in upstream results (secrets, injection markers, hidden text), by upstream, rule and action.',
    labelNames: ['upstream', 'rule', 'action'] as const,
    registers: [this.registry],
  });

  constructor(options: { processMetrics?: boolean } = {}) {
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'mcpkit_gateway_' });
  }
}
