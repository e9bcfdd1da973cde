/**
 * Prometheus metrics (prom-client) in a registry of the gateway's own, so two gateways in one process (tests)
 * never share counters.
 * @module
 */
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

const DURATION_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const OUTCOMES = ['ok', 'error', 'refused'] as const;
export type RequestOutcome = (typeof OUTCOMES)[number];

/** One (method, upstream): requests by outcome, and the duration histogram's buckets (not cumulative; +Inf last). */
interface Cell {
  readonly labels: { method: string; upstream: string };
  readonly outcomes: [number, number, number];
  /** Of `outcomes`, what the requests counter has been given already (it is added to, never reset). */
  readonly counted: [number, number, number];
  readonly buckets: number[];
  sum: number;
  count: number;
}

/**
 * The per-request metrics as plain numbers, turned into prom-client's form only when `/metrics` is read.
 * prom-client's own `inc` and `observe` build and hash a label object on every call, which showed as 2.4 % of
 * the gateway's CPU at c=16 (and 600 bytes of garbage per request); here a request costs two Map lookups.
 */
class RequestCells {
  readonly #byMethod = new Map<string, Map<string, Cell>>();

  record(method: string, upstream: string, outcome: RequestOutcome, seconds: number): void {
    const cell = this.observe(method, upstream, seconds);
    cell.outcomes[outcome === 'ok' ? 0 : outcome === 'error' ? 1 : 2]++;
  }

  /** A duration alone (what `duration.observe` records). */
  observe(method: string, upstream: string, seconds: number): Cell {
    let byUpstream = this.#byMethod.get(method);
    if (byUpstream === undefined) this.#byMethod.set(method, (byUpstream = new Map()));
    let cell = byUpstream.get(upstream);
    if (cell === undefined) {
      cell = { labels: { method, upstream }, outcomes: [0, 0, 0], counted: [0, 0, 0], buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      byUpstream.set(upstream, cell);
    }
    let i = 0;
    while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++;
    cell.buckets[i]!++;
    cell.sum += seconds;
    cell.count++;
    return cell;
  }

  *cells(): IterableIterator<Cell> {
    for (const byUpstream of this.#byMethod.values()) yield* byUpstream.values();
  }
}

/** The duration histogram as the registry reads a metric (the shape prom-client's own Histogram.get() returns). */
class DurationHistogram {
  readonly name = 'mcpkit_gateway_request_duration_seconds';
  readonly help = 'Time from the request reaching the gateway to its answer.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly #cells: RequestCells;

  constructor(cells: RequestCells) {
    this.#cells = cells;
  }

  /** Records one duration, as prom-client's `Histogram.observe(labels, value)` did. */
  observe(labels: { method: string; upstream: string }, seconds: number): void {
    if (!Number.isFinite(seconds)) throw new TypeError(`Value is not a valid number: ${seconds}`);
    this.#cells.observe(labels.method, labels.upstream, seconds);
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> } {
    const values = [];
    for (const cell of this.#cells.cells()) {
      let cumulative = 0;
      for (let i = 0; i <= DURATION_BUCKETS.length; i++) {
        cumulative += cell.buckets[i] as number;
        values.push({ metricName: `${this.name}_bucket`, labels: { ...cell.labels, le: i < DURATION_BUCKETS.length ? (DURATION_BUCKETS[i] as number) : '+Inf' }, value: cumulative });
      }
      values.push({ metricName: `${this.name}_sum`, labels: { ...cell.labels }, value: cell.sum });
      values.push({ metricName: `${this.name}_count`, labels: { ...cell.labels }, value: cell.count });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}

export class GatewayMetrics {
  readonly registry = new Registry();
  readonly #requests = new RequestCells();
  readonly requests = new Counter({
    name: 'mcpkit_gateway_requests_total',
    help: 'Requests handled, by method, upstream and outcome (ok, error, refused).',
    labelNames: ['method', 'upstream', 'outcome'] as const,
    registers: [this.registry],
    // Given what the cells counted since the last read (see RequestCells); an `inc` made directly adds as usual.
    collect: () => {
      for (const cell of this.#requests.cells()) {
        for (let i = 0; i < OUTCOMES.length; i++) {
          const n = (cell.outcomes[i] as number) - (cell.counted[i] as number);
          if (n > 0) this.requests.inc({ ...cell.labels, outcome: OUTCOMES[i] as RequestOutcome }, n);
          cell.counted[i] = cell.outcomes[i] as number;
        }
      }
    },
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

  /** `mcpkit_gateway_request_duration_seconds`, by method and upstream. */
  readonly duration = new DurationHistogram(this.#requests);

  /** Counts one request handled by the front, its outcome and its duration, without prom-client's per-call cost. */
  request(method: string, upstream: string, outcome: RequestOutcome, seconds: number): void {
    this.#requests.record(method, upstream, outcome, seconds);
  }

  constructor(options: { processMetrics?: boolean } = {}) {
    this.registry.registerMetric(this.duration as unknown as Counter);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'mcpkit_gateway_' });
  }
}
