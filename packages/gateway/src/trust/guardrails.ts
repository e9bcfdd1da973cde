/**
 * Response guardrails in the gateway: every tool result and resource read from an upstream passes
 * `@mcpkit/trust`'s inspection (secrets redacted, blocked or flagged; injection markers and hidden text flagged or
 * blocked; optional spotlighting) before it reaches the client. Findings are audited and counted.
 * @module
 */
import type { CallToolResult, ReadResourceResult } from '@mcpkit/server';
import { type Finding, type GuardrailKind, type InspectOptions, SECRET_DETECTORS, inspectResourceResult, inspectToolResult } from '@mcpkit/trust';
import type { AuditLog } from '../audit/index.js';
import type { TrustConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { GatewayMetrics } from '../metrics.js';

const MARKERS: readonly GuardrailKind[] = ['injection', 'invisible-controls', 'exfil-link'];

/** The inspection options a `trust.guardrails` section means. */
export function inspectOptions(g: TrustConfig['guardrails']): InspectOptions | undefined {
  if (g.secrets === 'off' && g.injection === 'off' && !g.spotlight) return undefined;
  const disable: GuardrailKind[] = [];
  if (g.secrets === 'off') disable.push(...SECRET_DETECTORS.map((d) => d.kind));
  if (g.injection === 'off') disable.push(...MARKERS);
  const options: InspectOptions = { disable };
  if (g.secrets !== 'off') options.secretAction = g.secrets;
  if (g.injection !== 'off') {
    options.injectionAction = g.injection;
    options.actions = { 'invisible-controls': g.injection, 'exfil-link': g.injection };
  }
  if (g.spotlight) options.spotlight = { mode: 'delimit' };
  return options;
}

export interface ResultGuardDeps {
  config: () => TrustConfig | undefined;
  audit: AuditLog | undefined;
  metrics: GatewayMetrics;
  log: Logger;
}

/** Inspects results on their way to the client. */
export class ResultGuard {
  readonly #deps: ResultGuardDeps;

  constructor(deps: ResultGuardDeps) {
    this.#deps = deps;
  }

  #options(upstream: string, name: string): InspectOptions | undefined {
    const config = this.#deps.config();
    const base = config ? inspectOptions(config.guardrails) : undefined;
    return base ? { ...base, server: upstream, tool: name } : undefined;
  }

  #report(upstream: string, target: string, findings: readonly Finding[], blocked: boolean): void {
    if (findings.length === 0) return;
    const rules = [...new Set(findings.map((f) => f.rule))];
    for (const rule of rules) this.#deps.metrics.guardrails.inc({ upstream, rule, action: blocked ? 'block' : 'inspect' });
    const summary = findings.slice(0, 5).map((f) => `${f.rule} ${f.severity}: ${f.message}`).join('; ');
    this.#deps.log.warn({ upstream, target, rules, blocked }, 'guardrails found something in a result');
    void this.#deps.audit
      ?.append({ method: 'trust/guardrail', upstream, target, outcome: blocked ? 'refused' : 'ok', durationMs: 0, reason: `${blocked ? 'blocked' : 'inspected'}: ${summary}` })
      .catch(() => undefined);
  }

  /** A tool result as the client may see it. */
  tool(upstream: string, tool: string, namespaced: string, result: CallToolResult): CallToolResult {
    const options = this.#options(upstream, tool);
    if (!options) return result;
    const inspected = inspectToolResult(result, options);
    this.#report(upstream, namespaced, inspected.findings, inspected.blocked);
    return inspected.content;
  }

  /** A resource read as the client may see it. */
  resource(upstream: string, uri: string, result: ReadResourceResult): ReadResourceResult {
    const options = this.#options(upstream, uri);
    if (!options) return result;
    const inspected = inspectResourceResult(result, options);
    this.#report(upstream, uri, inspected.findings, inspected.blocked);
    return inspected.content;
  }
}
