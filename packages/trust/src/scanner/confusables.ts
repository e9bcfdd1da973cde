/**
 * Look-alike letters: a small map of the Cyrillic, Greek and Armenian letters that read as Latin ones, a script
 * check for identifiers, and the "skeleton" two names share when a reader cannot tell them apart.
 * @module
 */
import { stripInvisible } from './evidence.js';

// The letters that matter for names attackers imitate; not Unicode's full confusables table (which maps ~6,000
// characters): NFKC folds fullwidth and mathematical letters first, so this covers what remains in practice.
const TO_LATIN: Record<string, string> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', ԛ: 'q', ԝ: 'w', һ: 'h', ӏ: 'l', ɡ: 'g', ԍ: 'g', ү: 'y', ѡ: 'w',
  А: 'A', В: 'B', Е: 'E', К: 'K', М: 'M', Н: 'H', О: 'O', Р: 'P', С: 'C', Т: 'T', Х: 'X', У: 'Y', І: 'I',
  Ј: 'J', Ѕ: 'S', Ԁ: 'D', Ԛ: 'Q', Ԝ: 'W', Һ: 'H', Ӏ: 'I', Ү: 'Y',
  // Greek
  α: 'a', β: 'b', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w', γ: 'y',
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'I', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  // Armenian
  օ: 'o', ս: 'u', ց: 'g', հ: 'h', ո: 'n', զ: 'q', Օ: 'O', Ս: 'U',
  // Latin letters that pass for others
  ı: 'i', ȷ: 'j', ℓ: 'l',
};
const CONFUSABLE = new RegExp(`[${Object.keys(TO_LATIN).join('')}]`, 'gu');
const NON_LATIN_LOOKALIKE_SCRIPTS = /[\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Armenian}\p{Script=Cherokee}]/u;
const LATIN = /\p{Script=Latin}/u;

/** `text` with look-alike letters replaced by the Latin letters they imitate (after NFKC: fullwidth → ASCII). */
export function toLatinLookalike(text: string): string {
  // Plain ASCII has nothing to fold; skip the work on the common path.
  if (/^[\x00-\x7F]*$/.test(text)) return text;
  return stripInvisible(text).normalize('NFKC').replace(CONFUSABLE, (ch) => TO_LATIN[ch] ?? ch);
}

/**
 * The form two names share when people (and often models) cannot tell them apart: look-alikes folded to Latin,
 * lower case, separators (`_`, `-`, `.`, spaces) removed. `read_file`, `readFile` and `reаd-file` share one.
 */
export function skeleton(name: string): string {
  return toLatinLookalike(name).toLowerCase().replace(/[\s_.\-]+/g, '');
}

/** Why an identifier deceives, or `undefined` when it does not. */
export function confusableReason(name: string): string | undefined {
  if (/^[\x00-\x7F]*$/.test(name)) return undefined;
  const letters = stripInvisible(name);
  if (letters.normalize('NFKC') !== letters && /[\uFF01-\uFF5E\u{1D400}-\u{1D7FF}]/u.test(letters)) {
    return 'uses fullwidth or mathematical letters that display as ASCII';
  }
  const lookalike = NON_LATIN_LOOKALIKE_SCRIPTS.test(letters);
  if (!lookalike) return undefined;
  if (LATIN.test(letters)) return 'mixes Latin letters with Cyrillic, Greek or Armenian look-alikes';
  // A name written wholly in another script is fine unless every letter in it reads as Latin ("рау" is "pay").
  const folded = letters.replace(CONFUSABLE, '');
  if (!/\p{L}/u.test(folded)) return 'is written entirely in letters that read as Latin ones';
  return undefined;
}
