/**
 * `${env:NAME}` and `${file:PATH}` in string values, the only substitutions `mcp.yaml` has. `$${` is a literal `${`.
 * @module
 */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FieldPath } from './field-path.js';
import type { RawProblem } from './raw-problem.js';

/** Reads a `${file:…}` (or the config); may be async. */
export type ConfigFileReader = (path: string) => string | Promise<string>;

export interface SubstitutionContext {
  env: Record<string, string | undefined>;
  /** Folder that relative `${file:}` paths start from. */
  baseDir: string;
  readFile: ConfigFileReader;
}

export interface SubstitutionResult {
  data: unknown;
  /** Every string value that held a reference, and the references, for messages about the result. */
  substituted: { path: FieldPath; references: string[] }[];
  problems: RawProblem[];
}

const MAX_SECRET_FILE_BYTES = 1024 * 1024;
const TOKEN = /\$\$\{|\$\{([^}]*)\}|\$\{/g;

/** Replaces references in every string value of `data` (not in keys); collects every problem. */
export async function substituteReferences(data: unknown, context: SubstitutionContext): Promise<SubstitutionResult> {
  const result: SubstitutionResult = { data: undefined, substituted: [], problems: [] };
  result.data = await walk(data, [], context, result);
  return result;
}

async function walk(value: unknown, path: (string | number)[], context: SubstitutionContext, out: SubstitutionResult): Promise<unknown> {
  if (typeof value === 'string') return value.includes('${') ? substituteString(value, path, context, out) : value;
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) items.push(await walk(value[i], [...path, i], context, out));
    return items;
  }
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = await walk(item, [...path, key], context, out);
    return copy;
  }
  return value;
}

async function substituteString(text: string, path: FieldPath, context: SubstitutionContext, out: SubstitutionResult): Promise<string> {
  let result = '';
  let last = 0;
  const references: string[] = [];
  for (const match of text.matchAll(TOKEN)) {
    result += text.slice(last, match.index);
    last = match.index + match[0].length;
    if (match[0] === '$${') {
      result += '${';
      continue;
    }
    const reference = match[1];
    if (reference === undefined) {
      out.problems.push({ path, message: 'has a ${ without its closing }' });
      continue;
    }
    references.push(match[0]);
    const resolved = await resolveReference(reference, context);
    if ('error' in resolved) out.problems.push({ path, message: resolved.error });
    else result += resolved.value;
  }
  result += text.slice(last);
  if (references.length > 0) out.substituted.push({ path, references });
  return result;
}

async function resolveReference(reference: string, context: SubstitutionContext): Promise<{ value: string } | { error: string }> {
  const colon = reference.indexOf(':');
  const kind = colon < 0 ? '' : reference.slice(0, colon);
  const argument = reference.slice(colon + 1);
  if (kind === 'env') {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(argument)) return { error: `\${env:${argument}} does not name an environment variable` };
    const value = context.env[argument];
    return value === undefined ? { error: `\${env:${argument}}: the environment variable ${argument} is not set` } : { value };
  }
  if (kind === 'file') {
    if (argument.trim() === '') return { error: '${file:} needs a path' };
    const path = resolve(context.baseDir, argument);
    try {
      // A secret file ends with a newline more often than not; the secret does not.
      return { value: (await context.readFile(path)).replace(/[\r\n]+$/, '') };
    } catch (error) {
      return { error: `\${file:${argument}}: cannot read ${path}: ${(error as Error).message}` };
    }
  }
  return { error: `\${${reference}} is not a reference this file understands; use \${env:NAME} or \${file:PATH} (write $\${ for a literal \${)` };
}

/** Reads a regular file of at most 1 MiB as UTF-8 (no FIFOs, devices or huge files behind a `${file:}`). */
export async function readSmallFile(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new Error('not a regular file');
    if (stat.size > MAX_SECRET_FILE_BYTES) throw new Error(`larger than ${MAX_SECRET_FILE_BYTES} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
