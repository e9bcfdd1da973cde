/**
 * Turns a tool's or prompt's schema (Standard Schema, a shape of Standard Schemas, or raw JSON Schema) into
 * a JSON Schema for the wire and a validator, once, at registration.
 * @module
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv as AjvDraft7 } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { InvalidArgumentError, type JsonObject } from '@mcpkit/protocol';
import { type StandardIssue, type StandardSchemaV1, isStandardSchema } from './standard.js';

/** What a validator says: the value to use, or problems that each name a field. */
export type ValidationOutcome = { ok: true; value: unknown } | { ok: false; problems: string[] };

export interface CompiledSchema {
  /** The JSON Schema sent on the wire (computed once). */
  readonly jsonSchema: JsonObject;
  validate(value: unknown): ValidationOutcome | Promise<ValidationOutcome>;
}

/** A schema as users write it. */
export type SchemaInput = StandardSchemaV1 | Record<string, StandardSchemaV1> | JsonObject;

const addFormats = addFormatsModule as unknown as (ajv: unknown) => void;
let ajv2020: Ajv2020 | undefined;
let ajv7: AjvDraft7 | undefined;

function ajvFor(schema: JsonObject): Ajv2020 | AjvDraft7 {
  const dialect = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (/draft-0[4-7]/.test(dialect)) {
    if (!ajv7) {
      ajv7 = new AjvDraft7({ strict: false, allErrors: false, validateSchema: false });
      addFormats(ajv7);
    }
    return ajv7;
  }
  if (!ajv2020) {
    ajv2020 = new Ajv2020({ strict: false, allErrors: false, validateSchema: false });
    addFormats(ajv2020);
  }
  return ajv2020;
}

function fieldOf(base: string, path: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined): string {
  if (!path || path.length === 0) return base;
  let out = base;
  for (const seg of path) {
    const key = typeof seg === 'object' ? seg.key : seg;
    out += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  }
  return out;
}

function describeIssues(base: string, issues: ReadonlyArray<StandardIssue>): string[] {
  return issues.map((issue) => `${fieldOf(base, issue.path)}: ${issue.message}`);
}

function describeAjvErrors(base: string, errors: ErrorObject[] | null | undefined): string[] {
  if (!errors || errors.length === 0) return [`${base}: does not match the schema`];
  return errors.map((e) => {
    const path = e.instancePath ? e.instancePath.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
    let field = base;
    for (const p of path) field += /^\d+$/.test(p) ? `[${p}]` : `.${p}`;
    if (e.keyword === 'required') return `${field}.${String((e.params as { missingProperty?: string }).missingProperty)}: is required`;
    if (e.keyword === 'additionalProperties') {
      return `${field}.${String((e.params as { additionalProperty?: string }).additionalProperty)}: is not allowed`;
    }
    return `${field}: ${e.message ?? 'is invalid'}`;
  });
}

function jsonSchemaOf(schema: StandardSchemaV1, which: 'input' | 'output', name: string): JsonObject {
  const converter = schema['~standard'].jsonSchema;
  if (!converter) {
    throw new InvalidArgumentError(
      `${name}: this ${schema['~standard'].vendor} schema cannot describe itself as JSON Schema; pass a JSON Schema object or a Standard JSON Schema (e.g. zod >= 4.2)`,
    );
  }
  const json = { ...converter[which]({ target: 'draft-2020-12' }) } as JsonObject;
  // The wire schema is implied 2020-12 in MCP; drop the dialect marker to keep tools/list small.
  if (json.$schema === 'https://json-schema.org/draft/2020-12/schema') delete json.$schema;
  return json;
}

function fromStandard(schema: StandardSchemaV1, which: 'input' | 'output', base: string, name: string): CompiledSchema {
  const std = schema['~standard'];
  const jsonSchema = jsonSchemaOf(schema, which, name);
  const finish = (r: Awaited<ReturnType<typeof std.validate>>): ValidationOutcome =>
    r.issues ? { ok: false, problems: describeIssues(base, r.issues) } : { ok: true, value: r.value };
  return {
    jsonSchema,
    validate(value) {
      const r = std.validate(value);
      return r instanceof Promise ? r.then(finish) : finish(r);
    },
  };
}

function fromShape(shape: Record<string, StandardSchemaV1>, which: 'input' | 'output', base: string, name: string): CompiledSchema {
  const entries = Object.entries(shape);
  const properties: JsonObject = {};
  const required: string[] = [];
  const defs: JsonObject = {};
  for (const [key, s] of entries) {
    const member = jsonSchemaOf(s, which, `${name}.${key}`);
    // A member's own definitions (recursive schemas) are referenced from the document root
    // ("#/$defs/…"), so they move up to the root of the combined schema.
    const own = member.$defs as JsonObject | undefined;
    if (own && typeof own === 'object') {
      delete member.$defs;
      for (const [defName, def] of Object.entries(own)) {
        if (defName in defs && JSON.stringify(defs[defName]) !== JSON.stringify(def)) {
          throw new InvalidArgumentError(`${name}: members define different "${defName}" schemas; pass one object schema instead of a shape`);
        }
        defs[defName] = def;
      }
    }
    properties[key] = member;
    // A member that accepts `undefined` is optional.
    const probe = s['~standard'].validate(undefined);
    if (probe instanceof Promise || probe.issues) required.push(key);
  }
  const jsonSchema: JsonObject = {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    ...(Object.keys(defs).length ? { $defs: defs } : {}),
  };
  return {
    jsonSchema,
    async validate(value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, problems: [`${base}: must be an object`] };
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      const problems: string[] = [];
      for (const [key, s] of entries) {
        const r = await s['~standard'].validate(input[key]);
        if (r.issues) problems.push(...describeIssues(`${base}.${key}`, r.issues));
        else if (r.value !== undefined) out[key] = r.value;
      }
      return problems.length ? { ok: false, problems } : { ok: true, value: out };
    },
  };
}

function fromJsonSchema(schema: JsonObject, base: string, name: string): CompiledSchema {
  let check: ValidateFunction;
  try {
    check = ajvFor(schema).compile(schema);
  } catch (error) {
    throw new InvalidArgumentError(`${name}: invalid JSON Schema: ${(error as Error).message}`, { cause: error });
  }
  return {
    jsonSchema: schema,
    validate(value) {
      return check(value) ? { ok: true, value } : { ok: false, problems: describeAjvErrors(base, check.errors) };
    },
  };
}

function isShape(value: object): value is Record<string, StandardSchemaV1> {
  const values = Object.values(value);
  return values.length > 0 && values.every(isStandardSchema);
}

/**
 * Compiles a schema once.
 * @param base the field name problems are reported under, e.g. `arguments`.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a schema that cannot be used.
 */
export function compileSchema(schema: SchemaInput, which: 'input' | 'output', base: string, name: string): CompiledSchema {
  if (isStandardSchema(schema)) return fromStandard(schema, which, base, name);
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new InvalidArgumentError(`${name}: a schema must be a Standard Schema or a JSON Schema object`);
  }
  if (isShape(schema)) return fromShape(schema, which, base, name);
  return fromJsonSchema(schema as JsonObject, base, name);
}

/** The input schema of a tool with no declared arguments. */
export const EMPTY_OBJECT_SCHEMA: JsonObject = Object.freeze({ type: 'object', properties: {} }) as JsonObject;
