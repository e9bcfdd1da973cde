// Generates @mcpkit/protocol's wire types (packages/protocol/src/generated/) from the official MCP schemas in
// ../shared/mcp-spec/<revision>/schema.json. Shared by the CLI (scripts/generate-types.mjs) and by the drift test
// (packages/protocol/src/generated/generated.test.ts), so both produce byte-identical text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT_DIR = join(ROOT, 'packages', 'protocol', 'src', 'generated');
export const SPEC_DIR = process.env.MCP_SPEC_DIR ?? join(ROOT, '..', 'shared', 'mcp-spec');

const GENERATOR = 'json-schema-to-typescript';

// Pinned generator options; every one is spelled out so a change of the library's defaults cannot change the output.
const OPTIONS = {
  bannerComment: '',
  format: true,
  style: {
    printWidth: 120,
    tabWidth: 2,
    useTabs: false,
    semi: true,
    singleQuote: true,
    trailingComma: 'all',
    bracketSpacing: true,
  },
  // An object without `additionalProperties` is open, as JSON Schema says: the spec's `_meta` objects, for one,
  // accept any key but carry no `additionalProperties` in the schemas, and official examples carry extra fields.
  additionalProperties: true,
  // Every definition is compiled on its own, with `$ref`s already turned into type names (see `rewrite`).
  declareExternallyReferenced: false,
  unreachableDefinitions: false,
  // Arrays stay arrays: `minItems`/`maxItems` would otherwise become unions of tuples.
  ignoreMinAndMaxItems: true,
  // Enums would be runtime code; the schemas' string enums become unions of literals anyway.
  enableConstEnums: false,
  inferStringEnumKeysFromValues: false,
  strictIndexSignatures: false,
  unknownAny: true,
};

/** Released revisions present in the spec folder, oldest first. */
export function listRevisions(specDir = SPEC_DIR) {
  return readdirSync(specDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && /^\d{4}-\d{2}-\d{2}$/.test(e.name))
    .map((e) => e.name)
    .sort();
}

/** `2025-11-25` → `Rev2025_11_25`, the namespace a revision is exported as. */
export function namespaceOf(revision) {
  return `Rev${revision.replaceAll('-', '_')}`;
}

// Keywords whose value is a schema, an array of schemas, or a map of names to schemas (draft-07 and 2020-12).
const SCHEMA = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'unevaluatedProperties',
  'contains',
  'propertyNames',
  'not',
  'if',
  'then',
  'else',
]);
const SCHEMA_OR_ARRAY = new Set(['items', 'prefixItems', 'anyOf', 'oneOf', 'allOf']);
const SCHEMA_MAP = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
// Keywords that say anything about the type; a schema with none of them (only `description`, say) accepts any value.
const TYPING = ['type', '$ref', 'tsType', 'const', 'enum', 'anyOf', 'oneOf', 'allOf', 'not', 'properties', 'required',
  'additionalProperties', 'unevaluatedProperties', 'patternProperties', 'items', 'prefixItems'];

/**
 * Rewrites one schema of a definition into the form the generator handles, returning a copy:
 *
 * - A `$ref` to a definition becomes a `tsType` naming it. The generator would inline a `$ref` that has siblings
 *   (the schemas put a `description` beside most of them) as a fresh copy emitted as `Annotations1`,
 *   `Annotations2`, …, and fold a definition that only refers to another (`EmptyResult` → `Result`) into its
 *   target. Naming the target keeps one declaration per definition, under its own name, and keeps the sibling
 *   `description` as the property's doc comment.
 * - A schema with no typing keyword (`Error.data`, `CallToolResult.structuredContent`) becomes `unknown`; the
 *   generator would type it as an object.
 * - `unevaluatedProperties` becomes `additionalProperties`, the only one the generator knows; for a generated type
 *   the two mean the same.
 */
function rewrite(schema, names, where) {
  if (typeof schema === 'boolean') return schema;
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) {
    throw new Error(`${where}: not a schema: ${JSON.stringify(schema)}`);
  }
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    const at = `${where}/${key}`;
    if (key === '$ref') {
      const m = /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(value);
      if (!m || !names.has(m[1])) throw new Error(`${at}: unsupported $ref ${JSON.stringify(value)}`);
      out.tsType = m[1];
    } else if (key === 'unevaluatedProperties') {
      if (!('additionalProperties' in schema)) out.additionalProperties = rewrite(value, names, at);
    } else if (SCHEMA_OR_ARRAY.has(key) && Array.isArray(value)) {
      out[key] = value.map((v, i) => rewrite(v, names, `${at}/${i}`));
    } else if (SCHEMA.has(key)) {
      out[key] = rewrite(value, names, at);
    } else if (SCHEMA_MAP.has(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v, names, `${at}/${k}`)]));
    } else {
      out[key] = value; // an annotation or a value (`const`, `enum`, `default`): data, not schemas
    }
  }
  if (!TYPING.some((k) => k in schema)) out.tsType = 'unknown';
  return out;
}

const DECLARATION = /^export (?:interface|type) ([A-Za-z_$][\w$]*)\b/gm;
const RUNTIME = /^\s*export\s+(?!interface\b|type\b)/m;

/**
 * Generates the text of `<revision>.ts` from a revision's schema object.
 * @param {object} schema the parsed schema.json
 * @param {{ revision: string, sourceCommit: string, generatorVersion: string }} meta
 * @returns {Promise<string>}
 */
export async function generateRevision(schema, { revision, sourceCommit, generatorVersion }) {
  const defs = schema.$defs ?? schema.definitions;
  if (!defs || typeof defs !== 'object') throw new Error(`${revision}: schema has neither $defs nor definitions`);
  // Code-unit order, not localeCompare: the same on every machine.
  const names = Object.keys(defs).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const known = new Set(names);
  const parts = [];
  for (const name of names) {
    if (!/^[A-Z][A-Za-z0-9]*$/.test(name)) throw new Error(`${revision}: definition ${name} is not a type name`);
    const def = rewrite(defs[name], known, `${revision}#/${name}`);
    // A `title` or `$id` would rename the declaration; the definition's key is its name in the spec.
    delete def.title;
    delete def.$id;
    delete def.$schema;
    const text = (await compile(def, name, OPTIONS)).trim();
    const declared = [...text.matchAll(DECLARATION)].map((m) => m[1]);
    if (declared.length !== 1 || declared[0] !== name) {
      throw new Error(`${revision}: ${name} compiled to [${declared.join(', ')}], expected exactly ${name}`);
    }
    if (RUNTIME.test(text)) throw new Error(`${revision}: ${name} compiled to runtime code:\n${text}`);
    parts.push(text);
  }
  const header = [
    '/**',
    ` * MCP wire types of protocol revision ${revision}: one type per definition of its official JSON Schema,`,
    ` * schema/${revision}/schema.json in modelcontextprotocol/modelcontextprotocol at commit`,
    ` * ${sourceCommit}.`,
    ` * Generated by scripts/generate-types.mjs with ${GENERATOR} ${generatorVersion}. Do not edit by hand:`,
    ' * run `npm run generate:types`.',
    ' * @module',
    ' */',
    '',
  ].join('\n');
  return `${header}\n${parts.join('\n\n')}\n`;
}

/** Generates the text of `index.ts`, which re-exports each revision as a type-only namespace. */
export function generateIndex(revisions, { sourceCommit }) {
  const lines = [
    '/**',
    ` * MCP wire types of every revision, one type-only namespace each (\`Rev2025_11_25.CallToolRequest\`).`,
    ` * Generated by scripts/generate-types.mjs from the official schemas at commit ${sourceCommit}.`,
    ' * Do not edit by hand: run `npm run generate:types`.',
    ' * @module',
    ' */',
    ...revisions.map((r) => `export type * as ${namespaceOf(r)} from './${r}.js';`),
    '',
  ];
  return lines.join('\n');
}

function generatorVersion() {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const version = pkg.devDependencies?.[GENERATOR];
  if (!version || !/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`package.json must pin ${GENERATOR} exactly`);
  return version;
}

/**
 * Generates every file of packages/protocol/src/generated/ in memory.
 * @returns {Promise<Map<string, string>>} file name (relative to the generated folder) → text
 */
export async function generateAll(specDir = SPEC_DIR) {
  const sourceCommit = readFileSync(join(specDir, 'SOURCE_COMMIT'), 'utf8').trim();
  if (!/^[0-9a-f]{40}$/.test(sourceCommit)) throw new Error(`${specDir}/SOURCE_COMMIT is not a commit id`);
  const meta = { sourceCommit, generatorVersion: generatorVersion() };
  const revisions = listRevisions(specDir);
  if (revisions.length === 0) throw new Error(`no revisions in ${specDir}`);
  const files = new Map();
  for (const revision of revisions) {
    const schema = JSON.parse(readFileSync(join(specDir, revision, 'schema.json'), 'utf8'));
    files.set(`${revision}.ts`, await generateRevision(schema, { ...meta, revision }));
  }
  files.set('index.ts', generateIndex(revisions, meta));
  return files;
}
