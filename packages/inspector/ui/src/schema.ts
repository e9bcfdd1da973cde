/** A small JSON Schema reader for forms: $ref to local $defs, defaults, and validation before sending. */
import type { Json, JsonObject } from './types';

export type Schema = JsonObject;

/** Follows a local `$ref` (`#/$defs/X`, `#/definitions/X`) against the root schema; anything else is kept. */
export function resolve(schema: Schema | undefined, root: Schema | undefined): Schema {
  let s = schema ?? {};
  for (let i = 0; i < 16 && typeof s.$ref === 'string'; i++) {
    const m = /^#\/(\$defs|definitions)\/(.+)$/.exec(s.$ref);
    const target = m ? ((root?.[m[1]!] as JsonObject | undefined)?.[decodeURIComponent(m[2]!)] as Schema | undefined) : undefined;
    if (!target) break;
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  return s;
}

export function typeOf(schema: Schema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') as string | undefined;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  if (Array.isArray(schema.enum)) return typeof schema.enum[0] === 'number' ? 'number' : 'string';
  return undefined;
}

/** The variants of a `oneOf`/`anyOf`, if the schema has them. */
export function variantsOf(schema: Schema): Schema[] | undefined {
  const v = schema.oneOf ?? schema.anyOf;
  return Array.isArray(v) ? (v as Schema[]) : undefined;
}

/** The value a fresh form starts with: defaults, and nested objects filled the same way. */
export function initialValue(schema: Schema | undefined, root: Schema | undefined, depth = 0): Json | undefined {
  const s = resolve(schema, root);
  if (s.default !== undefined) return s.default;
  if (depth > 8) return undefined;
  if (typeOf(s) === 'object') {
    const out: JsonObject = {};
    for (const [k, p] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
      const v = initialValue(p, root, depth + 1);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return undefined;
}

function kindOf(v: Json | undefined): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Problems with `value` against `schema`, each as "path: what is wrong"; empty when it passes. */
export function validate(schema: Schema | undefined, value: Json | undefined, root: Schema | undefined, path = '', depth = 0): string[] {
  const s = resolve(schema, root);
  const at = path || '(value)';
  if (value === undefined || depth > 32) return [];
  const variants = variantsOf(s);
  if (variants) {
    const passing = variants.filter((v) => validate(v, value, root, path, depth + 1).length === 0).length;
    if (passing === 0) return [`${at}: matches none of the allowed shapes`];
    if (s.oneOf && passing > 1) return [`${at}: matches more than one of the allowed shapes`];
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) return [`${at}: must be one of ${s.enum.map((e) => JSON.stringify(e)).join(', ')}`];
  if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(value)) return [`${at}: must be ${JSON.stringify(s.const)}`];
  const type = s.type;
  const types = typeof type === 'string' ? [type] : Array.isArray(type) ? (type as string[]) : [];
  const kind = kindOf(value);
  if (types.length) {
    const ok = types.some((t) => t === kind || (t === 'integer' && typeof value === 'number' && Number.isInteger(value)) || (t === 'number' && kind === 'number'));
    if (!ok) return [`${at}: must be ${types.join(' or ')}, not ${kind}`];
    if (types.includes('integer') && !types.includes('number') && typeof value === 'number' && !Number.isInteger(value)) return [`${at}: must be a whole number`];
  }
  const problems: string[] = [];
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) problems.push(`${at}: must be ≥ ${s.minimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) problems.push(`${at}: must be ≤ ${s.maximum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) problems.push(`${at}: must be > ${s.exclusiveMinimum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) problems.push(`${at}: must be < ${s.exclusiveMaximum}`);
  }
  if (typeof value === 'string') {
    if (typeof s.minLength === 'number' && value.length < s.minLength) problems.push(`${at}: needs at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && value.length > s.maxLength) problems.push(`${at}: allows at most ${s.maxLength} characters`);
    if (typeof s.pattern === 'string') {
      try {
        if (!new RegExp(s.pattern, 'u').test(value)) problems.push(`${at}: must match /${s.pattern}/`);
      } catch {
        // A pattern this browser cannot compile is left to the server to check.
      }
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) problems.push(`${at}: needs at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) problems.push(`${at}: allows at most ${s.maxItems} items`);
    if (s.items && typeof s.items === 'object' && !Array.isArray(s.items)) value.forEach((item, i) => problems.push(...validate(s.items as Schema, item, root, `${path}[${i}]`, depth + 1)));
  }
  if (kind === 'object') {
    const obj = value as JsonObject;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const req of Array.isArray(s.required) ? (s.required as string[]) : []) {
      if (obj[req] === undefined) problems.push(`${path ? `${path}.` : ''}${req}: is required`);
    }
    for (const [k, v] of Object.entries(obj)) {
      if (props[k]) problems.push(...validate(props[k], v, root, path ? `${path}.${k}` : k, depth + 1));
      else if (s.additionalProperties === false) problems.push(`${path ? `${path}.` : ''}${k}: is not allowed`);
    }
  }
  return problems;
}
