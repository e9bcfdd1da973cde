/**
 * Reads the `.env` files VS Code's `envFile` points at: `KEY=value` lines, `#` comments, optional `export`,
 * single or double quotes.
 * @module
 */

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*?)\s*$/;
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

/**
 * Parses dotenv text into variables. Lines that are not assignments are skipped, as dotenv readers do; a
 * later assignment wins. Double-quoted values understand `\n`, `\r`, `\t`, `\"` and `\\`; single-quoted
 * values are literal; unquoted values end at ` #`.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const m = LINE.exec(raw);
    if (!m) continue;
    out[m[1]!] = valueOf(m[2]!);
  }
  return out;
}

function valueOf(raw: string): string {
  const quote = raw[0];
  if (quote === '"' || quote === "'") {
    const end = closingQuote(raw, quote);
    if (end > 0) {
      const inner = raw.slice(1, end);
      return quote === "'" ? inner : inner.replace(/\\(.)/g, (m, c: string) => ESCAPES[c] ?? m);
    }
  }
  const comment = raw.search(/\s#/);
  return (comment >= 0 ? raw.slice(0, comment) : raw).trimEnd();
}

/** The index of the quote that closes the one at 0 (a backslash escapes inside double quotes), or -1. */
function closingQuote(raw: string, quote: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (quote === '"' && raw[i] === '\\') i++;
    else if (raw[i] === quote) return i;
  }
  return -1;
}
