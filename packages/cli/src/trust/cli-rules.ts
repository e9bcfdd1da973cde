/**
 * The scan's own rules, beside the scanner's registry: drift against the lockfile and missing authentication found
 * by probing. They need I/O (a lockfile, a live HTTP endpoint), so they live in the CLI, not in `@mcpkit/trust`.
 * @module
 */
import { type DriftReport, type Finding, type ItemDrift, type RuleInfo, type Severity, describeItemDrift, excerpt } from '@mcpkit/trust';

export const DRIFT_RULE = 'MCP-D001';
export const UNPINNED_RULE = 'MCP-D002';
export const NO_AUTH_RULE = 'MCP-P001';
export const MANIFEST_RULE = 'MCP-M001';

export const CLI_RULES: readonly RuleInfo[] = [
  {
    id: DRIFT_RULE,
    name: 'lockfile-drift',
    severity: 'high',
    summary: 'A definition differs from what mcp.lock.json approved (a changed, added, removed or renamed tool, prompt or template; changed instructions or server name).',
    catches: 'Rug pulls: any change to a pinned field since approval, field by field.',
    misses: 'A server that was already malicious when it was approved; fields that are not pinned (icons, _meta, execution).',
  },
  {
    id: UNPINNED_RULE,
    name: 'server-not-in-lockfile',
    severity: 'medium',
    summary: 'The lockfile exists but has no entry for this server: nothing it serves was approved.',
    catches: 'A server added to a config without `mcpkit lock` or `mcpkit trust approve`.',
    misses: 'Servers scanned without a lockfile.',
  },
  {
    id: NO_AUTH_RULE,
    name: 'no-authentication',
    severity: 'high',
    summary: 'An HTTP server answered tools/list or tools/call without any credentials (both must be refused with 401/403).',
    catches: 'Servers reachable by anybody who can reach their URL.',
    misses: 'Servers that check credentials only on some tools; stdio servers (they have no authentication of their own).',
    severityNote: 'medium for a loopback address (only this machine can reach it).',
  },
  {
    id: MANIFEST_RULE,
    name: 'signed-manifest-invalid',
    severity: 'high',
    summary: "The server's signed manifest (mcpkit/manifest) is missing although a signer is pinned, does not verify, or does not match what the server serves.",
    catches: 'Impersonation (another key, another issuer), a tampered or expired manifest, definitions changed after signing.',
    misses: 'A publisher who signs something malicious; servers with no pinned signer that publish no manifest.',
  },
];

const EVIDENCE_MAX = 200;

function show(value: unknown): string {
  if (value === undefined) return '(absent)';
  return excerpt(typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value), 0, undefined, EVIDENCE_MAX);
}

function itemFinding(server: string, item: ItemDrift): Finding {
  const first = item.changes[0];
  const evidence = first !== undefined ? `${first.pointer}: ${show(first.before)} → ${show(first.after)}` : item.definition !== undefined ? show(item.definition) : undefined;
  return {
    rule: DRIFT_RULE,
    severity: 'high',
    server,
    kind: item.kind,
    tool: item.name,
    ...(first !== undefined ? { pointer: first.pointer } : {}),
    message: `${describeItemDrift(item)}${item.changes.length > 1 ? ` (${item.changes.length} fields)` : ''}`,
    ...(evidence !== undefined ? { evidence } : {}),
  };
}

/** A drift report as findings: one per drifted item, one for changed instructions or server name. */
export function driftFindings(report: DriftReport): Finding[] {
  const server = report.server;
  if (report.status === 'unchanged') return [];
  if (report.status === 'new-server') {
    return [{ rule: UNPINNED_RULE, severity: 'medium', server, kind: 'server', message: `server "${server}" is not in the lockfile: none of its ${report.items.length} definitions were approved` }];
  }
  const out: Finding[] = [];
  if (report.serverName !== undefined) {
    out.push({ rule: DRIFT_RULE, severity: 'high', server, kind: 'server', pointer: '/serverInfo/name', message: 'the server name changed since it was approved', evidence: `${show(report.serverName.before)} → ${show(report.serverName.after)}` });
  }
  if (report.instructions !== undefined) {
    out.push({ rule: DRIFT_RULE, severity: 'high', server, kind: 'server', pointer: '/instructions', message: 'the server instructions changed since they were approved', evidence: `${show(report.instructions.before)} → ${show(report.instructions.after)}` });
  }
  for (const item of report.items) out.push(itemFinding(server, item));
  if (out.length === 0) {
    out.push({ rule: DRIFT_RULE, severity: 'high', server, kind: 'server', message: 'the server digest differs from the lockfile (was the lockfile edited by hand?)', evidence: `${report.digest.locked ?? '?'} → ${report.digest.current}` });
  }
  return out;
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The finding for a server that answered without credentials. */
export function noAuthFinding(server: string, url: string, steps: readonly string[]): Finding {
  const severity: Severity = isLoopback(url) ? 'medium' : 'high';
  const where = isLoopback(url) ? ' (a loopback address: only this machine can reach it)' : '';
  return {
    rule: NO_AUTH_RULE,
    severity,
    server,
    kind: 'server',
    message: `${url} serves MCP requests without credentials${where}`,
    evidence: steps.join('; '),
  };
}

/** The finding for a manifest that does not hold. */
export function manifestFinding(server: string, detail: string): Finding {
  return { rule: MANIFEST_RULE, severity: 'high', server, kind: 'server', message: `signed manifest: ${detail}` };
}
