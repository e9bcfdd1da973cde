/**
 * The `mcp.yaml` reference in Markdown, generated from the schema (docs/gateway-config.md is its output; a test
 * keeps them equal).
 * @module
 */
import type { JsonSchemaObject } from './schema.js';

type Schema = JsonSchemaObject;
interface Row {
  field: string;
  type: string;
  default: string;
  description: string;
}

/**
 * Renders the reference: the schema's description, then one section per top-level field with a table of every
 * field under it (type, default or `required`, description).
 * @example
 * const markdown = renderConfigReference(gatewayConfigSchema());
 */
export function renderConfigReference(schema: JsonSchemaObject): string {
  const defs = (schema.$defs ?? {}) as Record<string, Schema>;
  const out = [
    '# Gateway configuration reference (`mcp.yaml`)',
    '',
    '<!-- Generated from packages/gateway/schema/mcp.schema.json by renderConfigReference(); do not edit by hand. -->',
    '',
    String(schema.description ?? ''),
    '',
    'Editors that understand JSON Schema can check the file as you type: the schema is published as',
    '`@mcpkit/gateway/mcp.schema.json`.',
  ];
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [name, property] of Object.entries(properties)) {
    if (name === '$schema') continue;
    const rows: Row[] = [];
    collect(defs, name, property, false, rows);
    const [self, ...children] = rows;
    const facts = self!.default === '—' ? `Type: ${self!.type}.` : `Type: ${self!.type}. Default: ${self!.default}.`;
    out.push('', `## \`${name}\``, '', self!.description, '', facts);
    if (children.length > 0) {
      out.push('', '| Field | Type | Default | Description |', '| --- | --- | --- | --- |');
      for (const row of children) out.push(`| \`${row.field}\` | ${cell(row.type)} | ${cell(row.default)} | ${cell(row.description)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function deref(defs: Record<string, Schema>, schema: Schema): Schema {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const target = defs[ref.replace('#/$defs/', '')] ?? {};
  // The referring node's own words win over the definition's.
  return { ...deref(defs, target), ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$ref')) };
}

function typeName(defs: Record<string, Schema>, raw: Schema): string {
  const schema = deref(defs, raw);
  if (typeof schema.title === 'string' && schema.type !== 'object') return schema.title;
  if (Array.isArray(schema.enum)) return schema.enum.join(' | ');
  if (schema.const !== undefined) return String(schema.const);
  if (schema.type === 'array') {
    const items = deref(defs, (schema.items ?? {}) as Schema);
    return items.type === 'object' ? 'list of mappings' : `list of ${typeName(defs, items)}`;
  }
  if (schema.type === 'object') return 'mapping';
  if (schema.type === 'integer') return 'whole number';
  if (Array.isArray(schema.type)) return schema.type.join(', ').replace(/, ([^,]*)$/, ' or $1');
  return String(schema.type ?? 'any');
}

function collect(defs: Record<string, Schema>, field: string, raw: Schema, required: boolean, rows: Row[], label = ''): void {
  const schema = deref(defs, raw);
  const fallback = required ? 'required' : '—';
  const description = `${label}${String(schema.description ?? '')}`.trim();
  rows.push({ field, type: typeName(defs, raw), default: schema.default === undefined ? fallback : `\`${JSON.stringify(schema.default)}\``, description });
  if (schema.type === 'array') {
    const items = deref(defs, (schema.items ?? {}) as Schema);
    if (items.type === 'object') collectObject(defs, `${field}[]`, items, rows, label);
  } else if (schema.type === 'object') {
    collectObject(defs, field, schema, rows, label);
  }
}

function collectObject(defs: Record<string, Schema>, field: string, schema: Schema, rows: Row[], label: string): void {
  const required = new Set((schema.required ?? []) as string[]);
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Schema>)) {
    if (rows.some((r) => r.field === `${field}.${name}`)) continue;
    collect(defs, `${field}.${name}`, property, required.has(name), rows, label);
  }
  if (typeof schema.additionalProperties === 'object') {
    const names = deref(defs, (schema.propertyNames ?? {}) as Schema);
    const placeholder = `<${String(names.title ?? 'name').replace(/ /g, '-')}>`;
    collect(defs, `${field}.${placeholder}`, schema.additionalProperties as Schema, false, rows, label);
  }
  // Alternatives (if/then/else, allOf of if/then): every field of every branch once, labelled with the branches
  // that have it unless all do; required only where every branch that has it requires it.
  const branches = [schema.then, schema.else, ...((schema.allOf ?? []) as Schema[]).map((s) => s.then)].filter(Boolean) as Schema[];
  const resolved = branches.map((b) => deref(defs, b));
  const names = [...new Set(resolved.flatMap((b) => Object.keys((b.properties ?? {}) as object)))];
  for (const name of names) {
    if (rows.some((r) => r.field === `${field}.${name}`)) continue;
    const having = resolved.filter((b) => name in ((b.properties ?? {}) as object));
    const tag = having.length === resolved.length ? '' : `(${having.map((b) => String(b.title ?? 'variant')).join(', ')}) `;
    const required = having.every((b) => ((b.required ?? []) as string[]).includes(name));
    collect(defs, `${field}.${name}`, ((having[0]!.properties as Record<string, Schema>)[name])!, required, rows, `${label}${tag}`);
  }
}

