/**
 * Invisible and deceptive characters: tag characters (U001), zero-width (U002), bidi controls (U003), other
 * invisible characters (U004).
 * @module
 */
import { TAG_RUN, decodeTags, excerpt } from '../evidence.js';
import type { RawFinding } from './raw-finding.js';
import type { WalkedString } from '../walk.js';

const ZERO_WIDTH = /[\u200B-\u200D\u2060\uFEFF]/gu;
const BIDI = /[\u202A-\u202E\u2066-\u2069]/gu;
const OTHER_INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200E\u200F\u2061-\u2064\u206A-\u206F\u2800\u3164\uFE00-\uFE0D\uFFA0\uFFF9-\uFFFB\u{1D173}-\u{1D17A}\u{E0100}-\u{E01EF}\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
const SMUGGLING = /[\uFE00-\uFE0D\u{E0100}-\u{E01EF}\u115F\u1160\u3164\uFFA0\u2800]/gu;
const EMOJI = /\p{Extended_Pictographic}/u;
// A flag emoji: U+1F3F4 then up to six tag letters/digits and CANCEL TAG (U+E007F).
const FLAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,6}\u{E007F}/gu;

function count(re: RegExp, text: string): number {
  re.lastIndex = 0;
  let n = 0;
  while (re.exec(text)) n++;
  return n;
}

function firstIndex(re: RegExp, text: string): number {
  re.lastIndex = 0;
  return re.exec(text)?.index ?? 0;
}

/** Reports hidden and invisible characters in one string. */
export function checkUnicode(s: WalkedString, out: RawFinding[]): void {
  const text = s.text;
  // Fast path: nothing outside printable ASCII plus tab/newline.
  if (/^[\x09\x0A\x0D\x20-\x7E]*$/.test(text)) return;
  const where = s.role === 'name' || s.role === 'key' ? 'name' : 'text';

  const withoutFlags = text.replace(FLAG_SEQUENCE, '');
  TAG_RUN.lastIndex = 0;
  const runs = withoutFlags.match(TAG_RUN);
  if (runs) {
    const hidden = runs.map(decodeTags).join(' ');
    out.push({ rule: 'MCP-U001', severity: 'critical', pointer: s.pointer,
      message: `Hidden text in Unicode tag characters (invisible to people, read by models): ${JSON.stringify(hidden.slice(0, 200))}`,
      evidence: excerpt(text, firstIndex(TAG_RUN, text), runs[0]?.length ?? 0) });
  }

  const zeroWidth = count(ZERO_WIDTH, text);
  if (zeroWidth > 0) {
    // A ZWJ between emoji builds one emoji (👩‍💻); only those are allowed.
    let suspicious = 0;
    let longestRun = 0;
    let run = 0;
    const chars = Array.from(text);
    for (let i = 0; i < chars.length; i++) {
      const c = chars[i] ?? '';
      if (/[\u200B-\u200D\u2060\uFEFF]/u.test(c)) {
        run++;
        longestRun = Math.max(longestRun, run);
        const emojiJoin = c === '\u200D' && EMOJI.test(chars[i - 1] ?? '') && EMOJI.test(chars[i + 1] ?? '');
        const bom = c === '\uFEFF' && i === 0;
        if (!emojiJoin && !bom) suspicious++;
      } else run = 0;
    }
    if (suspicious > 0) {
      const high = where === 'name' || longestRun >= 4;
      out.push({ rule: 'MCP-U002', severity: high ? 'high' : 'medium', pointer: s.pointer,
        message: `${suspicious} zero-width character${suspicious === 1 ? '' : 's'} in a ${where}${longestRun >= 4 ? ` (a run of ${longestRun}: data can hide in such runs)` : ''}${where === 'name' ? ': two names that look the same can differ' : ''}`,
        evidence: excerpt(text, firstIndex(ZERO_WIDTH, text), 1) });
    }
  }

  const bidi = count(BIDI, text);
  if (bidi > 0) {
    out.push({ rule: 'MCP-U003', severity: 'high', pointer: s.pointer,
      message: `${bidi} bidirectional control${bidi === 1 ? '' : 's'}: what a person sees is reordered from what a model reads`,
      evidence: excerpt(text, firstIndex(BIDI, text), 1) });
  }

  const other = count(OTHER_INVISIBLE, text);
  if (other > 0) {
    const smuggled = count(SMUGGLING, text);
    out.push({ rule: 'MCP-U004', severity: smuggled >= 8 ? 'high' : 'low', pointer: s.pointer,
      message: smuggled >= 8
        ? `${smuggled} variation selectors or blank letters: enough to carry hidden data`
        : `${other} invisible format or control character${other === 1 ? '' : 's'}`,
      evidence: excerpt(text, firstIndex(OTHER_INVISIBLE, text), 1) });
  }
}
