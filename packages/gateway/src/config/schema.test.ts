// The published schema: valid 2020-12, strict, closed, documented, and its defaults are the loader's.
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { CONFIG_DEFAULTS } from './defaults.js';
import { parseDuration } from './duration.js';
import { gatewayConfigSchema, validateAgainstSchema, type JsonSchemaObject } from './schema.js';

type Node = JsonSchemaObject;
const schema = gatewayConfigSchema();
const defs = schema.$defs as Record<string, Node>;

/** Every schema node that has `properties`, with a readable location. */
function objectNodes(): [string, Node][] {
  const out: [string, Node][] = [];
  const visit = (where: string, node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) return node.forEach((n, i) => visit(`${where}[${i}]`, n));
    const record = node as Node;
    if (record.properties) out.push([where, record]);
    // An `if` is a condition on a value, not a description of one.
    for (const [key, value] of Object.entries(record)) if (key !== 'properties' && key !== 'if') visit(`${where}/${key}`, value);
    for (const [key, value] of Object.entries((record.properties ?? {}) as Node)) visit(`${where}.${key}`, value);
  };
  visit('#', schema);
  return out;
}

function defaultAt(path: string[]): unknown {
  let node: Node = schema;
  for (const key of path) node = (node.properties as Record<string, Node>)[key]!;
  return node.default;
}

describe('mcp.schema.json', () => {
  it('is a valid draft 2020-12 schema that ajv compiles in strict mode', () => {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true });
    ajv.addKeyword('x-message');
    expect(ajv.validateSchema(schema)).toBe(true);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(validateAgainstSchema({})).toEqual([]);
  });

  it('describes every property', () => {
    const missing: string[] = [];
    for (const [where, node] of objectNodes()) {
      for (const [name, property] of Object.entries(node.properties as Record<string, Node>)) {
        const target = typeof property.$ref === 'string' ? defs[property.$ref.replace('#/$defs/', '')] : undefined;
        if (typeof property.description !== 'string' && typeof target?.description !== 'string') missing.push(`${where}.${name}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('refuses unknown keys everywhere (closed objects; the auth variants close in their branches)', () => {
    const open = objectNodes()
      .filter(([, node]) => node.additionalProperties !== false && node.allOf === undefined)
      .map(([where]) => where);
    expect(open).toEqual([]);
  });

  it('has the defaults the loader applies', () => {
    const ms = (value: unknown) => ('ms' in parseDuration(value) ? (parseDuration(value) as { ms: number }).ms : NaN);
    expect(defaultAt(['listen', 'host'])).toBe(CONFIG_DEFAULTS.host);
    expect(defaultAt(['listen', 'port'])).toBe(CONFIG_DEFAULTS.port);
    expect(defaultAt(['listen', 'path'])).toBe(CONFIG_DEFAULTS.path);
    expect(ms(defs.timeout!.default)).toBe(CONFIG_DEFAULTS.timeoutMs);
    expect(ms(defs.listTimeout!.default)).toBe(CONFIG_DEFAULTS.listTimeoutMs);
    expect(ms((defs.stdioServer!.properties as Record<string, Node>).idleTimeout!.default)).toBe(CONFIG_DEFAULTS.idleTimeoutMs);
    expect(defaultAt(['concurrency', 'perPrincipal'])).toBe(CONFIG_DEFAULTS.perPrincipal);
    expect(defaultAt(['concurrency', 'queue'])).toBe(CONFIG_DEFAULTS.queue);
    expect(ms(defaultAt(['concurrency', 'queueTimeout']))).toBe(CONFIG_DEFAULTS.queueTimeoutMs);
    expect(defaultAt(['audit', 'sqlite'])).toBe(CONFIG_DEFAULTS.auditSqlite);
    expect(defaultAt(['audit', 'arguments'])).toBe(CONFIG_DEFAULTS.auditArguments);
    expect(defaultAt(['store', 'sqlite'])).toBe(CONFIG_DEFAULTS.storeSqlite);
    expect(defaultAt(['storage', 'redisFailMode'])).toBe(CONFIG_DEFAULTS.redisFailMode);
    expect(defaultAt(['storage', 'redisPrefix'])).toBe(CONFIG_DEFAULTS.redisPrefix);
    expect(defaultAt(['oauth', 'scopesClaim'])).toBe(CONFIG_DEFAULTS.scopesClaim);
    expect(defaultAt(['logLevel'])).toBe(CONFIG_DEFAULTS.logLevel);
    expect(defaultAt(['metrics'])).toBe(CONFIG_DEFAULTS.metrics);
  });

  it('is the file the package exports as ./mcp.schema.json', async () => {
    const { readFileSync } = await import('node:fs');
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, string>; files: string[] };
    expect(pkg.exports['./mcp.schema.json']).toBe('./schema/mcp.schema.json');
    expect(pkg.files).toContain('schema');
  });
});
