/**
 * A line diff for the `equals` expectation: expected lines marked `-`, actual ones `+`, common ones as context.
 * @module
 */

const CONTEXT = 2;
/** Past this many lines on a side, the diff is a plain listing of both (LCS is quadratic). */
const MAX_LINES = 400;

/** The value as the diff shows it: strings as they are, anything else as indented JSON. */
export function diffText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? String(value));
}

/**
 * `- expected` / `+ actual` lines, with two lines of context around each change.
 * @example
 * lineDiff('a\nb', 'a\nc'); // ['  a', '- b', '+ c']
 */
export function lineDiff(expected: string, actual: string): string[] {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length > MAX_LINES || b.length > MAX_LINES) return [...a.map((l) => `- ${l}`), ...b.map((l) => `+ ${l}`)];
  // lengths[i][j]: the longest common subsequence of a[i..] and b[j..].
  const lengths = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lengths[i]![j] = a[i] === b[j] ? lengths[i + 1]![j + 1]! + 1 : Math.max(lengths[i + 1]![j]!, lengths[i]![j + 1]!);
  }
  const lines: Array<{ mark: ' ' | '-' | '+'; text: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) lines.push({ mark: ' ', text: a[i++]! }), j++;
    else if (i < a.length && (j >= b.length || lengths[i + 1]![j]! >= lengths[i]![j + 1]!)) lines.push({ mark: '-', text: a[i++]! });
    else lines.push({ mark: '+', text: b[j++]! });
  }
  // Keep the changes and a little context around each.
  const keep = lines.map((l, k) => lines.slice(Math.max(0, k - CONTEXT), k + CONTEXT + 1).some((m) => m.mark !== ' '));
  const out: string[] = [];
  let skipped = false;
  lines.forEach((l, k) => {
    if (!keep[k]) {
      skipped = true;
      return;
    }
    if (skipped) out.push('  …');
    skipped = false;
    out.push(`${l.mark} ${l.text}`);
  });
  if (skipped && out.length > 0) out.push('  …');
  return out;
}
