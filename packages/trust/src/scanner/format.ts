/**
 * Findings as human text: one block per finding (severity, rule, where, message, evidence) and a summary line.
 * @module
 */
import { type Finding, SEVERITIES } from '../snapshot.js';
import { ruleInfo } from './rules.js';

function where(f: Finding): string {
  const what = f.tool !== undefined ? `${f.kind && f.kind !== 'tool' ? `${f.kind} ` : ''}${f.tool}` : f.kind === 'server' ? '(server)' : '';
  return [f.server, what].filter(Boolean).join(' › ') + (f.pointer ?? '');
}

function ruleName(id: string): string {
  try {
    return ruleInfo(id).name;
  } catch {
    // A finding from a rule outside this registry (a caller's own rule): show the id alone.
    return '';
  }
}

/**
 * Renders findings for a terminal: most severe first, then in scan order; ends with counts per severity.
 * @example
 * console.log(formatFindings(scanSnapshots(snapshots)));
 */
export function formatFindings(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'No findings.';
  const order = [...findings].map((f, i) => ({ f, i }));
  order.sort((a, b) => SEVERITIES.indexOf(b.f.severity) - SEVERITIES.indexOf(a.f.severity) || a.i - b.i);
  const lines: string[] = [];
  for (const { f } of order) {
    lines.push(`${f.severity.toUpperCase().padEnd(8)} ${f.rule} ${ruleName(f.rule)}  ${where(f)}`);
    lines.push(`         ${f.message}`);
    if (f.evidence !== undefined) lines.push(`         evidence: ${f.evidence}`);
  }
  const counts = SEVERITIES.slice()
    .reverse()
    .map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  lines.push(`${findings.length} finding${findings.length === 1 ? '' : 's'}: ${counts.join(', ')}`);
  return lines.join('\n');
}
