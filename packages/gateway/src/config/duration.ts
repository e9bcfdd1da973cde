/**
 * Durations as written in `mcp.yaml`: a number of milliseconds, or a number and a unit (`500ms`, `30s`, `1.5m`).
 * @module
 */

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The longest duration a Node timer can wait; longer ones would fire at once. */
export const MAX_DURATION_MS = 2_147_483_647;

/**
 * Milliseconds for a duration, or a sentence saying why it is not one.
 * @example
 * parseDuration('1.5s'); // { ms: 1500 }
 */
export function parseDuration(value: unknown): { ms: number } | { error: string } {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0) return { error: 'must be a whole, non-negative number of milliseconds' };
    ms = value;
  } else if (typeof value === 'string') {
    const match = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)$/.exec(value);
    if (!match) return { error: 'must be a duration: a number of milliseconds or a string such as 500ms, 30s, 1m, 1h' };
    ms = Math.round(Number(match[1]) * UNIT_MS[match[2]!]!);
  } else {
    return { error: 'must be a duration: a number of milliseconds or a string such as 500ms, 30s, 1m, 1h' };
  }
  if (ms > MAX_DURATION_MS) return { error: `must be at most ${MAX_DURATION_MS} ms (about 24.8 days)` };
  return { ms };
}
