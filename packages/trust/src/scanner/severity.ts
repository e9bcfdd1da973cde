/**
 * Severity arithmetic: order, maximum, filtering, and the one-step raise rules use for context.
 * @module
 */
import { type Finding, SEVERITIES, type Severity } from '../snapshot.js';

/** The position of `severity` in `SEVERITIES` (info = 0 … critical = 4). */
export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

/** The highest severity among `findings`, or `undefined` when there are none. */
export function maxSeverity(findings: readonly Finding[]): Severity | undefined {
  let best = -1;
  for (const f of findings) best = Math.max(best, severityRank(f.severity));
  return best < 0 ? undefined : SEVERITIES[best];
}

/**
 * The findings at or above `severity`, in their order.
 * @example
 * const blocking = atOrAbove(scanSnapshots(snapshots), 'high');
 */
export function atOrAbove(findings: readonly Finding[], severity: Severity): Finding[] {
  const floor = severityRank(severity);
  return findings.filter((f) => severityRank(f.severity) >= floor);
}

/** `severity` raised by `steps` levels, capped at critical. */
export function raise(severity: Severity, steps = 1): Severity {
  return SEVERITIES[Math.min(SEVERITIES.length - 1, severityRank(severity) + steps)] ?? 'critical';
}

/** Whether `value` is one of the five severities (for parsing `--fail-on` and configs). */
export function isSeverity(value: unknown): value is Severity {
  return typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);
}
