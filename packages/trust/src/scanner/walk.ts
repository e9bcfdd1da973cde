/**
 * Every string in a definition — values and object keys alike — with its RFC 6901 pointer and the role it
 * plays (a name, prose a model reads, a value it may copy, a URI), so rules can weigh context.
 * @module
 */

/**
 * - `name`: an identifier (a tool or prompt name, a parameter name — a key of `properties`, a prompt argument name);
 * - `key`: any other object key (JSON Schema keywords, vendor extensions);
 * - `prose`: descriptions, titles, instructions, `$comment`;
 * - `value`: enum members, defaults, examples, const, and any other string value;
 * - `uri`: URIs and URI templates.
 */
export type StringRole = 'name' | 'key' | 'prose' | 'value' | 'uri';

export interface WalkedString {
  /** RFC 6901 pointer; for a key, the pointer of the member it names. */
  pointer: string;
  text: string;
  role: StringRole;
  /** The member name the string sits under (`description`, `enum`, …), or the map it is a key of. */
  field: string | undefined;
  /** Whether the string belongs to a parameter (inside `inputSchema`'s properties or a prompt argument). */
  inParameter: boolean;
}

const PROSE = new Set(['description', 'title', 'instructions', '$comment', 'summary']);
const URI = new Set(['uri', 'uriTemplate', 'src', 'websiteUrl', '$ref', '$id', '$schema', '$dynamicRef', '$anchor']);
const NAME_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas', 'dependentRequired']);
const VALUE_LISTS = new Set(['enum', 'const', 'default', 'examples', 'example']);
// Definitions from the wire are trees; this only bounds hostile nesting.
const MAX_DEPTH = 64;

/** Escapes one reference token (RFC 6901 section 4: `~` → `~0`, `/` → `~1`). */
export function escapePointerToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function roleOf(field: string | undefined, parent: string | undefined, inValues: boolean): StringRole {
  if (inValues) return 'value';
  if (field === undefined) return 'value';
  if (PROSE.has(field)) return 'prose';
  if (URI.has(field)) return 'uri';
  if (field === 'name' && parent !== 'properties') return 'name';
  return 'value';
}

/**
 * Yields every string in `value`, keys included, depth first in document order.
 * @example
 * for (const s of walkStrings(tool)) if (s.role === 'name') console.log(s.pointer, s.text);
 */
export function* walkStrings(value: unknown, pointer = ''): Generator<WalkedString> {
  yield* walk(value, pointer, undefined, undefined, false, false, 0);
}

function* walk(
  value: unknown,
  pointer: string,
  field: string | undefined,
  parent: string | undefined,
  inValues: boolean,
  inParameter: boolean,
  depth: number,
): Generator<WalkedString> {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    yield { pointer, text: value, role: roleOf(field, parent, inValues), field, inParameter };
    return;
  }
  if (Array.isArray(value)) {
    // Prompt arguments are parameters too.
    const params = inParameter || field === 'arguments';
    for (let i = 0; i < value.length; i++) yield* walk(value[i], `${pointer}/${i}`, field, parent, inValues, params, depth + 1);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const isNameMap = !inValues && field !== undefined && NAME_MAPS.has(field);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    const childPointer = `${pointer}/${escapePointerToken(key)}`;
    const childInParameter = inParameter || (isNameMap && field === 'properties');
    yield {
      pointer: childPointer,
      text: key,
      role: isNameMap ? 'name' : inValues ? 'value' : 'key',
      field,
      inParameter: childInParameter,
    };
    const nextInValues = inValues || (!isNameMap && VALUE_LISTS.has(key));
    yield* walk(child, childPointer, isNameMap ? undefined : key, field, nextInValues, childInParameter, depth + 1);
  }
}
