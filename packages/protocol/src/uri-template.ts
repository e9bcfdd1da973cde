/**
 * RFC 6570 URI templates (level 4) for MCP resource templates: parse once, expand, and match in linear time.
 * @module
 */
import { InvalidArgumentError } from './errors.js';

const MAX_TEMPLATE_LENGTH = 4096;
const MAX_EXPRESSIONS = 64;
const MAX_URI_LENGTH = 8192;

/** A row of RFC 6570 appendix A (`reserved`: allow U+R), plus `stops` and `surplus` for matching. */
interface Operator {
  readonly first: string;
  readonly sep: string;
  readonly named: boolean;
  readonly ifemp: string;
  readonly reserved: boolean;
  readonly stops: string;
  readonly surplus: 'list' | 'join' | 'fail';
}

// `{x}` may not span '/', '?' or '#' because its expansion percent-encodes them (RFC 6570 §3.2.2).
const OPERATORS: Readonly<Record<string, Operator>> = {
  '': { first: '', sep: ',', named: false, ifemp: '', reserved: false, stops: '/?#', surplus: 'list' },
  '+': { first: '', sep: ',', named: false, ifemp: '', reserved: true, stops: '', surplus: 'join' },
  '#': { first: '#', sep: ',', named: false, ifemp: '', reserved: true, stops: '', surplus: 'join' },
  '.': { first: '.', sep: '.', named: false, ifemp: '', reserved: false, stops: '/?#', surplus: 'join' },
  '/': { first: '/', sep: '/', named: false, ifemp: '', reserved: false, stops: '?#', surplus: 'fail' },
  ';': { first: ';', sep: ';', named: true, ifemp: '', reserved: false, stops: '/?#', surplus: 'fail' },
  '?': { first: '?', sep: '&', named: true, ifemp: '=', reserved: false, stops: '#', surplus: 'fail' },
  '&': { first: '&', sep: '&', named: true, ifemp: '=', reserved: false, stops: '#', surplus: 'fail' },
};

type VarSpec = { readonly name: string; readonly prefix: number | undefined; readonly explode: boolean };
type Expression = { readonly kind: 'expression'; readonly operator: string; readonly vars: readonly VarSpec[] };
/** `text` is already encoded as RFC 6570 §3.1 requires, so expansion and matching use the same bytes. */
type Literal = { readonly kind: 'literal'; readonly text: string };

/** An expression as the matcher sees it; `opener` holds the characters that may open its value ('' for none). */
type Slot = Readonly<{ kind: 'slot'; op: Operator; opener: string; stops: string; vars: readonly VarSpec[] }>;

type Value = string | { readonly list: string[] } | { readonly pairs: Array<readonly [string, string]> };
type Captured = string | string[];

// The alternatives are disjoint, so this cannot backtrack badly (and templates are capped at 4096 characters).
const VARNAME = /^(?:\w|%[0-9A-Fa-f]{2})+(?:\.(?:\w|%[0-9A-Fa-f]{2})+)*$/;
const PREFIX = /^[1-9][0-9]{0,3}$/;
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
const RESERVED = /^[:/?#[\]@!$&'()*+,;=]$/;
const HEX_TRIPLET = /^%[0-9A-Fa-f]{2}$/;

function malformed(index: number, problem: string): InvalidArgumentError {
  return new InvalidArgumentError(`Malformed URI template at index ${index}: ${problem}`);
}

function parse(template: string): Array<Literal | Expression> {
  const max = MAX_TEMPLATE_LENGTH;
  if (template.length > max) throw malformed(max, `the template is longer than ${max} characters`);
  const parts: Array<Literal | Expression> = [];
  let count = 0;
  let literalStart = 0;
  for (let i = 0; i < template.length; i++) {
    const ch = template[i];
    if (ch === '}') throw malformed(i, "'}' without a matching '{'");
    if (ch !== '{') continue;
    if (i > literalStart) parts.push({ kind: 'literal', text: encode(template.slice(literalStart, i), true) });
    const close = template.indexOf('}', i + 1);
    const reopen = template.indexOf('{', i + 1);
    if (close < 0 || (reopen >= 0 && reopen < close)) throw malformed(i, "unclosed '{'");
    if (++count > MAX_EXPRESSIONS) throw malformed(i, `more than ${MAX_EXPRESSIONS} expressions`);
    parts.push(parseExpression(template, i + 1, close));
    i = close;
    literalStart = close + 1;
  }
  if (literalStart < template.length) parts.push({ kind: 'literal', text: encode(template.slice(literalStart), true) });
  return parts;
}

function parseExpression(template: string, start: number, end: number): Expression {
  if (start === end) throw malformed(start - 1, 'empty expression');
  const head = template.charAt(start);
  if ('=,!@|'.includes(head)) throw malformed(start, `operator '${head}' is reserved for future extensions`);
  const operator = Object.hasOwn(OPERATORS, head) ? head : '';
  const vars: VarSpec[] = [];
  let at = start + operator.length;
  for (const raw of template.slice(at, end).split(',')) {
    vars.push(parseVarSpec(raw, at));
    at += raw.length + 1;
  }
  return { kind: 'expression', operator, vars };
}

function parseVarSpec(raw: string, at: number): VarSpec {
  const explode = raw.endsWith('*');
  const colon = raw.indexOf(':');
  const name = explode ? raw.slice(0, -1) : colon >= 0 ? raw.slice(0, colon) : raw;
  if (explode && colon >= 0) throw malformed(at + colon, "a prefix and '*' cannot be combined");
  if (!VARNAME.test(name)) throw malformed(at, name === '' ? 'empty variable name' : `invalid variable name '${name}'`);
  if (explode || colon < 0) return { name, prefix: undefined, explode };
  const digits = raw.slice(colon + 1);
  if (!PREFIX.test(digits)) throw malformed(at + colon, `prefix length '${digits}' is not an integer from 1 to 9999`);
  return { name, prefix: Number(digits), explode: false };
}

/** Percent-encodes all but the allowed set (RFC 6570 §3.2.1): unreserved, plus reserved and triplets if asked. */
function encode(value: string, allowReserved: boolean): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value.charAt(i);
    if (UNRESERVED.test(ch) || (allowReserved && RESERVED.test(ch))) {
      out += ch;
    } else if (allowReserved && HEX_TRIPLET.test(value.slice(i, i + 3))) {
      out += value.slice(i, i + 3);
      i += 2;
    } else if (ch < '\x80') {
      out += `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    } else {
      let cp = value.codePointAt(i) as number;
      if (cp > 0xffff) i++;
      // A lone surrogate has no UTF-8 form; U+FFFD is what TextEncoder substitutes too.
      else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      out += encodeURIComponent(String.fromCodePoint(cp));
    }
  }
  return out;
}

/** The first `max` characters; RFC 6570 §2.4.1 counts Unicode characters, not UTF-16 code units. */
function truncate(value: string, max: number): string {
  let end = 0;
  for (let n = 0; n < max && end < value.length; n++) end += (value.codePointAt(end) as number) > 0xffff ? 2 : 1;
  return value.slice(0, end);
}

/** Brings a caller's value into one of the RFC's three shapes; `undefined` means "not defined" (§2.3). */
function normalize(raw: unknown): Value | undefined {
  if (typeof raw === 'string') return raw;
  if (typeof raw === 'number' || typeof raw === 'boolean' || typeof raw === 'bigint') return String(raw);
  if (Array.isArray(raw)) {
    const list = raw.filter((item) => item != null).map(String);
    return list.length > 0 ? { list } : undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const pairs = Object.entries(raw).flatMap(([k, v]) => (v == null ? [] : [[k, String(v)] as const]));
  return pairs.length > 0 ? { pairs } : undefined;
}

function expandExpression(expr: Expression, vars: Readonly<Record<string, unknown>>): string {
  const op = OPERATORS[expr.operator] as Operator;
  let out = '';
  let first = true;
  for (const spec of expr.vars) {
    // Object.hasOwn, so that a variable named `constructor` is not read from Object.prototype.
    const value = normalize(Object.hasOwn(vars, spec.name) ? vars[spec.name] : undefined);
    if (value === undefined) continue;
    out += (first ? op.first : op.sep) + expandValue(op, spec, value);
    first = false;
  }
  return out;
}

function expandValue(op: Operator, spec: VarSpec, value: Value): string {
  const enc = (s: string): string => encode(s, op.reserved);
  const named = (name: string, text: string): string => (text === '' ? name + op.ifemp : `${name}=${text}`);
  if (typeof value === 'string') {
    const text = enc(spec.prefix === undefined ? value : truncate(value, spec.prefix));
    return op.named ? named(spec.name, text) : text;
  }
  // Prefixes do not apply to composite values (RFC 6570 §2.4.1), so `spec.prefix` is ignored below.
  if (!spec.explode) {
    const flat = 'list' in value ? value.list.map(enc) : value.pairs.flatMap(([k, v]) => [enc(k), enc(v)]);
    return (op.named ? `${spec.name}=` : '') + flat.join(',');
  }
  if ('list' in value) return value.list.map((v) => (op.named ? named(spec.name, enc(v)) : enc(v))).join(op.sep);
  return value.pairs.map(([k, v]) => (op.named ? named(enc(k), enc(v)) : `${enc(k)}=${enc(v)}`)).join(op.sep);
}

/** Turns parsed parts into matcher parts: merges query expressions and narrows what each value may span. */
function compileMatcher(parts: ReadonlyArray<Literal | Expression>): Array<Literal | Slot> {
  const out: Array<Literal | Slot> = [];
  for (const [index, part] of parts.entries()) {
    if (part.kind === 'literal') {
      out.push(part);
      continue;
    }
    const last = out[out.length - 1];
    const op = OPERATORS[part.operator] as Operator;
    if (op.sep === '&' && last?.kind === 'slot' && last.op.sep === '&') {
      // `{?a}{&b}` is one query string whose parameters may come in any order; with `a` undefined it
      // expands to `&b=…`, so the merged slot also opens with '&'.
      out[out.length - 1] = slot(last.op, last.op.first === '?' ? '?&' : '&', [...last.vars, ...part.vars]);
    } else if (op.reserved) {
      // `{+x}` and `{#x}` may span anything, except the start of a query or fragment expression that follows.
      const later = parts.slice(index + 1).map((p) => (p.kind === 'expression' ? p.operator : ''));
      const stops = (later.some((o) => o === '?' || o === '&') ? '?' : '') + (later.includes('#') ? '#' : '');
      out.push(slot(op, op.first, part.vars, stops));
    } else {
      const single = part.vars.length === 1 && part.vars[0]?.explode === false;
      out.push(slot(op, op.first, part.vars, part.operator === '/' && single ? '/' : ''));
    }
  }
  return out;
}

function slot(op: Operator, opener: string, vars: readonly VarSpec[], extraStops = ''): Slot {
  return { kind: 'slot', op, opener, stops: op.stops + extraStops, vars };
}

/**
 * `ok[i * (n + 1) + p]` is 1 when parts `i..` match `uri[p..]` exactly, each slot being "an optional opener,
 * then any run of characters outside `stops`". One backward pass per part: O(n) per slot, O(n·|literal|)
 * per literal, with no backtracking.
 */
function feasibility(parts: ReadonlyArray<Literal | Slot>, uri: string): Uint8Array {
  const n = uri.length;
  const w = n + 1;
  const ok = new Uint8Array((parts.length + 1) * w);
  ok[parts.length * w + n] = 1;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] as Literal | Slot;
    const row = i * w;
    const next = row + w;
    if (part.kind === 'literal') {
      const len = part.text.length;
      for (let p = 0; p + len <= n; p++) if (ok[next + p + len] && uri.startsWith(part.text, p)) ok[row + p] = 1;
      continue;
    }
    let run = false; // a run of non-stop characters from p + 1 can end where parts i + 1.. match
    for (let p = n; p >= 0; p--) {
      const ch = uri.charAt(p); // '' at p === n, which includes() would find in any string
      const here = ok[next + p] === 1;
      const opens = ch !== '' && part.opener.includes(ch) && run;
      run = here || (ch !== '' && !part.stops.includes(ch) && run);
      ok[row + p] = (part.opener === '' ? run : here || opens) ? 1 : 0;
    }
  }
  return ok;
}

/** A malformed escape means the URI is not an expansion of this template: no match, not an error. */
function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/** Decodes one matched item; a raw ',' in a value the expansion would have encoded marks a list. */
function toValue(op: Operator, spec: VarSpec, raw: string): Captured | undefined {
  if (!op.reserved && op.sep !== ',' && raw.includes(',')) return decodeAll(raw.split(','));
  const value = decode(raw);
  if (value === undefined || (spec.prefix !== undefined && truncate(value, spec.prefix) !== value)) return undefined;
  return value;
}

function decodeAll(items: readonly string[]): string[] | undefined {
  const out = items.map(decode);
  return out.includes(undefined) ? undefined : (out as string[]);
}

function put(into: Map<string, Captured>, name: string, value: Captured | undefined): boolean {
  if (value === undefined) return false;
  const seen = into.get(name);
  // The same variable twice in a template must have matched the same value.
  if (seen !== undefined && JSON.stringify(seen) !== JSON.stringify(value)) return false;
  into.set(name, value);
  return true;
}

/** Items are handed out in order; the exploded variable (else the last one) absorbs any surplus. */
function assignPositional(part: Slot, items: readonly string[], into: Map<string, Captured>): boolean {
  const { op, vars } = part;
  const surplus = items.length - vars.length;
  const exploded = vars.findIndex((v) => v.explode);
  const greedy = surplus <= 0 ? -1 : exploded >= 0 ? exploded : vars.length - 1;
  let k = 0;
  for (let v = 0; v < vars.length && k < items.length; v++) {
    const spec = vars[v] as VarSpec;
    const take = v === greedy ? 1 + surplus : 1;
    const chunk = items.slice(k, k + take);
    k += take;
    let value: Captured | undefined;
    if (spec.explode) value = decodeAll(chunk);
    else if (take === 1) value = toValue(op, spec, chunk[0] as string);
    else if (op.surplus === 'list') value = decodeAll(chunk);
    else if (op.surplus === 'join') value = toValue(op, spec, chunk.join(op.sep));
    if (!put(into, spec.name, value)) return false;
  }
  return true;
}

const asList = (v: Captured | undefined): string[] => (v === undefined ? [] : typeof v === 'string' ? [v] : v);

/** `name=value` items in any order; repeated names collect into a list; unknown names fail only `;`. */
function assignNamed(part: Slot, items: readonly string[], into: Map<string, Captured>): boolean {
  const local = new Map<string, Captured>();
  for (const item of items) {
    if (item === '') continue;
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    const spec = part.vars.find((v) => v.name === key);
    if (spec === undefined && part.op.sep === '&') continue; // unknown query parameters are ignored
    const value = spec && toValue(part.op, spec, eq < 0 ? '' : item.slice(eq + 1));
    if (spec === undefined || value === undefined) return false;
    const seen = local.get(spec.name);
    local.set(spec.name, spec.explode || seen !== undefined ? [...asList(seen), ...asList(value)] : value);
  }
  for (const [name, value] of local) if (!put(into, name, value)) return false;
  return true;
}

/**
 * An RFC 6570 URI template (all four levels), parsed once. `match` is the inverse of `expand` for an incoming
 * resource URI; it runs in time linear in the URI's length for a given template (no regular expression is built
 * from the template) and follows these rules:
 * - Literal text must match exactly. A URI longer than 8192 characters never matches.
 * - Each expression takes the longest stretch that still lets the rest of the template match (as a greedy
 *   regular expression would). `{x}`, `{.x}` and `{;x}` never span '/', '?' or '#'; `{/x}` never spans '?' or '#'
 *   (nor '/' unless it is exploded or lists several variables); `{+x}` and `{#x}` span anything, except '?' or '#'
 *   when a query or fragment expression follows them.
 * - Values are decoded with `decodeURIComponent` ('+' stays '+'); a malformed escape means no match.
 * - Exploded variables, and values holding a raw ',' where expansion would have encoded it, become arrays.
 *   `{x}` with an empty value captures `''`; a variable with no value at all is absent.
 * - Query expressions (`{?a,b}`, `{&c}`, adjacent ones together) accept their parameters in any order; missing
 *   ones are absent and unknown ones are ignored. Without a query expression, a query string makes the match
 *   fail unless a `{+x}` or `{#x}` takes it in. Unknown `{;x}` parameters make the match fail.
 * - A prefixed variable (`{x:3}`) longer than its prefix fails the match. Associative values are not rebuilt.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) from the constructor for a malformed template.
 * @example
 * const t = new UriTemplate('users://{userId}/posts{?limit}');
 * t.expand({ userId: '42', limit: '5' }); // 'users://42/posts?limit=5'
 * t.match('users://42/posts?limit=5'); // { userId: '42', limit: '5' }
 */
export class UriTemplate {
  /** The template text as given. */
  readonly template: string;
  /** Every variable name, in order of first appearance, each once. */
  readonly variableNames: string[];
  readonly #parts: ReadonlyArray<Literal | Expression>;
  readonly #matcher: ReadonlyArray<Literal | Slot>;

  constructor(template: string) {
    this.template = template;
    this.#parts = parse(template);
    this.#matcher = compileMatcher(this.#parts);
    const names = this.#parts.flatMap((p) => (p.kind === 'expression' ? p.vars.map((v) => v.name) : []));
    this.variableNames = [...new Set(names)];
  }

  /** Whether `s` contains something that looks like an expression (a non-empty `{…}`); it may still be malformed. */
  static isTemplate(s: string): boolean {
    return /\{[^{}]+\}/.test(s);
  }

  /** Expands the template (RFC 6570 §3); undefined variables and empty lists expand to nothing. */
  expand(vars: Record<string, string | string[] | undefined>): string {
    let out = '';
    for (const part of this.#parts) out += part.kind === 'literal' ? part.text : expandExpression(part, vars);
    return out;
  }

  /** Matches `uri` against the template and returns the decoded variables, or `undefined` if it does not match. */
  match(uri: string): Record<string, string | string[]> | undefined {
    if (uri.length > MAX_URI_LENGTH) return undefined;
    const parts = this.#matcher;
    const ok = feasibility(parts, uri);
    if (ok[0] !== 1) return undefined;
    const w = uri.length + 1;
    const captured = new Map<string, Captured>();
    let pos = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as Literal | Slot;
      if (part.kind === 'literal') {
        pos += part.text.length;
        continue;
      }
      const next = (i + 1) * w;
      const from = part.opener === '' ? pos : pos + 1;
      if (from > pos && (pos === uri.length || !part.opener.includes(uri.charAt(pos)))) continue; // value absent
      // The longest run after which the rest still matches, as a greedy regular expression would take.
      let end = -1;
      for (let q = from; q <= uri.length; q++) {
        if (ok[next + q] === 1) end = q;
        if (q === uri.length || part.stops.includes(uri.charAt(q))) break;
      }
      if (end < 0) continue; // only possible after an opener; `ok` then guarantees the rest matches without it
      const items = uri.slice(from, end).split(part.op.sep);
      if (!(part.op.named ? assignNamed : assignPositional)(part, items, captured)) return undefined;
      pos = end;
    }
    // Object.fromEntries defines own properties, so a variable named `__proto__` stays an ordinary key.
    return Object.fromEntries(captured);
  }

  /** The template text. */
  toString(): string {
    return this.template;
  }
}
