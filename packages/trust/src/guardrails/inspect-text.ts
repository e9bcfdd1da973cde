/**
 * One string through the guardrails: find secrets and injection markers, decide each kind's action, redact.
 * @module
 */
import { excerpt } from '../scanner/evidence.js';
import { severityRank } from '../scanner/severity.js';
import type { Finding, Severity } from '../snapshot.js';
import { type MarkerKind, findMarkers } from './content-detectors.js';
import { SECRET_DETECTORS, type SecretKind, type Span } from './secret-detectors.js';

export type GuardrailKind = SecretKind | MarkerKind;
/** `redact`: replace with `[REDACTED:<kind>]`; `block`: return an error instead of the content; `flag`: keep, report. */
export type GuardrailAction = 'redact' | 'block' | 'flag';

export interface GuardrailOptions {
  /** Action per kind; kinds not listed use the defaults below. */
  actions?: Partial<Record<GuardrailKind, GuardrailAction>>;
  /** Action for secrets not listed in `actions` (default `redact`). */
  secretAction?: GuardrailAction;
  /** Action for instruction-like text not listed in `actions` (default `flag`). */
  injectionAction?: GuardrailAction;
  /** Kinds to skip entirely. */
  disable?: readonly GuardrailKind[];
  /** Lowest severity of instruction-like text to report (default `medium`: urgency words are too common in real data). */
  injectionMinSeverity?: Severity;
  /** Added to each finding. */
  server?: string;
  tool?: string;
}

export const GUARDRAIL_RULE: Record<'secret' | MarkerKind, string> = {
  secret: 'MCP-R001',
  injection: 'MCP-R002',
  'hidden-text': 'MCP-R003',
  'invisible-controls': 'MCP-R004',
  'exfil-link': 'MCP-R005',
};

const DEFAULT_MARKER_ACTION: Record<MarkerKind, GuardrailAction> = { injection: 'flag', 'hidden-text': 'redact', 'invisible-controls': 'flag', 'exfil-link': 'flag' };

interface Hit extends Span {
  kind: GuardrailKind;
  severity: Severity;
  action: GuardrailAction;
  what: string;
}

export interface TextVerdict {
  text: string;
  findings: Finding[];
  /** Kinds whose action is `block`. */
  blockedBy: GuardrailKind[];
}

function isMarker(kind: GuardrailKind): kind is MarkerKind {
  return kind === 'injection' || kind === 'hidden-text' || kind === 'invisible-controls' || kind === 'exfil-link';
}

/** A secret shown without giving it away: its first four characters and its length. */
function masked(value: string): string {
  return `${value.slice(0, 4)}… (${value.length} characters)`;
}

/** Inspects one string; `pointer` locates it in the content for findings. */
export function inspectText(text: string, pointer: string, options: GuardrailOptions): TextVerdict {
  const disabled = new Set(options.disable ?? []);
  const actionOf = (kind: GuardrailKind): GuardrailAction =>
    options.actions?.[kind] ?? (isMarker(kind) ? (kind === 'injection' ? options.injectionAction : undefined) ?? DEFAULT_MARKER_ACTION[kind] : options.secretAction ?? 'redact');
  const hits: Hit[] = [];
  for (const d of SECRET_DETECTORS) {
    if (disabled.has(d.kind)) continue;
    const action = actionOf(d.kind);
    // One object shape for every hit keeps the sort below monomorphic (it dominated on 40k hits otherwise).
    for (const span of d.find(text)) hits.push({ start: span.start, end: span.end, kind: d.kind, severity: d.severity, action, what: d.description });
  }
  for (const m of findMarkers(text, options.injectionMinSeverity ?? 'medium')) {
    if (disabled.has(m.kind)) continue;
    hits.push({ start: m.start, end: m.end, kind: m.kind, severity: m.severity, action: actionOf(m.kind), what: m.what });
  }
  if (hits.length === 0) return { text, findings: [], blockedBy: [] };

  const findings: Finding[] = [];
  const byKind = new Map<GuardrailKind, Hit[]>();
  for (const h of hits) {
    const list = byKind.get(h.kind);
    if (list) list.push(h);
    else byKind.set(h.kind, [h]);
  }
  for (const [kind, list] of byKind) {
    const first = list[0] as Hit;
    const worst = list.reduce((a, b) => (severityRank(b.severity) > severityRank(a.severity) ? b : a));
    const value = text.slice(first.start, first.end);
    findings.push({
      rule: isMarker(kind) ? GUARDRAIL_RULE[kind] : GUARDRAIL_RULE.secret,
      severity: worst.severity,
      ...(options.server !== undefined ? { server: options.server } : {}),
      ...(options.tool !== undefined ? { tool: options.tool } : {}),
      pointer,
      message: `${kind}${list.length > 1 ? ` ×${list.length}` : ''}: ${isMarker(kind) ? worst.what : first.what} (action: ${first.action})`,
      evidence: isMarker(kind) ? excerpt(text, first.start, first.end - first.start, 120) : `[${kind}] ${masked(value)}`,
    });
  }
  const blockedBy = [...byKind.keys()].filter((k) => actionOf(k) === 'block');

  // Redact: replace the spans whose action is redact, earliest first, skipping spans inside one already taken.
  const redactions = hits.filter((h) => h.action === 'redact').sort((a, b) => a.start - b.start || b.end - a.end);
  if (redactions.length === 0) return { text, findings, blockedBy };
  const parts: string[] = [];
  let at = 0;
  for (const r of redactions) {
    if (r.start < at) continue;
    parts.push(text.slice(at, r.start), `[REDACTED:${r.kind}]`);
    at = r.end;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), findings, blockedBy };
}
