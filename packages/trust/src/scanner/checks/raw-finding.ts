/**
 * What a check reports before the scanner adds the server, the definition kind and name.
 * @module
 */
import type { Severity } from '../../snapshot.js';
import type { WalkedString } from '../walk.js';

export interface RawFinding {
  rule: string;
  severity: Severity;
  pointer: string;
  message: string;
  evidence?: string;
}

/** Sentence boundaries for "in the same sentence" tests: a line break, `!`/`?`, or a `.` before white space. */
export function sentenceAround(text: string, index: number, length: number, reach = 300): string {
  let from = index;
  const floor = Math.max(0, index - reach);
  while (from > floor) {
    const c = text[from - 1];
    if (c === '\n' || c === '!' || c === '?' || (c === '.' && /\s/.test(text[from] ?? ''))) break;
    from--;
  }
  let to = index + length;
  const ceiling = Math.min(text.length, to + reach);
  while (to < ceiling) {
    const c = text[to];
    if (c === '\n' || c === '!' || c === '?' || (c === '.' && (to + 1 >= text.length || /\s/.test(text[to + 1] ?? '')))) break;
    to++;
  }
  return text.slice(from, to);
}

/**
 * The text rules match against: invisible characters removed, look-alikes folded to Latin, and for names and keys
 * the separators of snake_case, kebab-case and camelCase read as spaces (`ignore_previous_instructions`).
 */
export function readable(s: WalkedString, folded: string): string {
  if (s.role !== 'name' && s.role !== 'key') return folded;
  const spaced = folded.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/[_\-]+/g, ' ');
  return spaced === folded ? folded : `${folded}\n${spaced}`;
}
