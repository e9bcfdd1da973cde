/**
 * Evidence text: invisible characters made visible, hidden tag text decoded, long text shortened around the match.
 * @module
 */

/** Unicode tag characters (U+E0000–E007F): invisible, and each one maps to an ASCII character. */
export const TAG_RUN = /[\u{E0000}-\u{E007F}]+/gu;

// Characters a reader cannot see: format characters (zero-width, bidi controls, soft hyphen…), controls other
// than tab and newline, variation selectors, and the blank "letters" (Hangul fillers, braille blank).
const INVISIBLE = /[\p{Cf}\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFE00-\uFE0F\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0\u2800]/gu;

/** The ASCII text hidden in a run of tag characters (U+E0020–E007E map to ' '–'~'; others are dropped). */
export function decodeTags(run: string): string {
  let out = '';
  for (const ch of run) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0xe0020 && cp <= 0xe007e) out += String.fromCharCode(cp - 0xe0000);
  }
  return out;
}

function hex(ch: string): string {
  return (ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0');
}

/**
 * `text` with every invisible character written as `<U+200B>`, tag runs as `<hidden:"decoded">` and newlines
 * as `\n`, so evidence shows what a model reads but a person does not see.
 */
export function showInvisible(text: string): string {
  return text
    .replace(TAG_RUN, (run) => `<hidden:${JSON.stringify(decodeTags(run))}>`)
    .replace(INVISIBLE, (ch) => `<U+${hex(ch)}>`)
    .replace(/\r?\n/g, '\\n');
}

/** Whether `text` holds any character `showInvisible` would rewrite (newlines aside). */
export function hasInvisible(text: string): boolean {
  INVISIBLE.lastIndex = 0;
  TAG_RUN.lastIndex = 0;
  return INVISIBLE.test(text) || TAG_RUN.test(text);
}

/** `text` without invisible characters (what filters should match against). */
export function stripInvisible(text: string): string {
  return text.replace(TAG_RUN, '').replace(INVISIBLE, '');
}

/**
 * A window of `text` around `[start, start + length)`, at most about `max` visible characters, with `…` where
 * text was cut, invisible characters shown.
 */
export function excerpt(text: string, start = 0, length = text.length, max = 160): string {
  if (text.length <= max) return showInvisible(text);
  const room = Math.max(0, max - Math.min(length, max));
  let from = Math.max(0, start - Math.floor(room / 2));
  const to = Math.min(text.length, from + Math.max(max, Math.min(length, max)));
  from = Math.max(0, Math.min(from, to - max));
  // Do not cut a surrogate pair in half.
  if (from > 0 && /[\uDC00-\uDFFF]/.test(text[from] ?? '')) from -= 1;
  const body = text.slice(from, to + (/[\uD800-\uDBFF]/.test(text[to - 1] ?? '') ? 1 : 0));
  return `${from > 0 ? '…' : ''}${showInvisible(body)}${to < text.length ? '…' : ''}`;
}
