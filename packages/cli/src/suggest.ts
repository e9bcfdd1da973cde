/**
 * "Did you mean …?" for a mistyped tool or prompt name: the closest names the server lists, by edit distance.
 * @module
 */
import { CliError, ExitCode } from './failure.js';

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours cost 1. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = Array.from({ length: rows * cols }, (_, i) => (i < cols ? i : i % cols === 0 ? i / cols : 0));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
      d[i * cols + j] = best;
    }
  }
  return d[rows * cols - 1]!;
}

/**
 * The names of `known` closest to `name` (case aside), at most three, nearest first; none when nothing is
 * near enough to be a likely typo (a third of the name's length, at least 2).
 */
export function closestNames(name: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  const scored = known
    .filter((k) => k !== name)
    .map((k) => ({ k, d: editDistance(name.toLowerCase(), k.toLowerCase()) }))
    .filter((s) => s.d <= limit)
    .sort((x, y) => x.d - y.d);
  const best = scored[0]?.d;
  return scored.filter((s) => s.d === best).slice(0, 3).map((s) => s.k);
}

/** `did you mean "echo"?` or `did you mean "add" or "ad"?`; undefined when nothing is close. */
export function didYouMean(name: string, known: readonly string[]): string | undefined {
  const names = closestNames(name, known);
  if (names.length === 0) return undefined;
  const quoted = names.map((n) => JSON.stringify(n));
  return `did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
}

/**
 * `error` with "did you mean …?" put before its hint, when it is a protocol error (the server refused the
 * name) and `name` is not among `known` but close to one of them; otherwise `error` itself.
 */
export function withSuggestion(error: unknown, name: string, known: readonly string[]): unknown {
  if (!(error instanceof CliError) || error.exitCode !== ExitCode.Protocol || known.includes(name)) return error;
  const suggestion = didYouMean(name, known);
  if (suggestion === undefined) return error;
  return new CliError(error.exitCode, error.message, error.hint ? `${suggestion} (${error.hint})` : suggestion, { cause: error.cause });
}
