/**
 * The published JSON Schema of `mcp.yaml` (`@mcpkit/gateway/mcp.schema.json`), read and compiled once.
 * @module
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ErrorObject, ValidateFunction } from 'ajv';

/** A JSON Schema object as this package reads it. */
export type JsonSchemaObject = { [key: string]: unknown };

// schema/ sits beside src/ and dist/, so the same relative URL works from the sources and from the build.
const SCHEMA_URL = new URL('../../schema/mcp.schema.json', import.meta.url);

let schema: JsonSchemaObject | undefined;
let validate: ValidateFunction | undefined;

/** The schema of `mcp.yaml`, as published. Read on first use; callers must not mutate it. */
export function gatewayConfigSchema(): JsonSchemaObject {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, 'utf8')) as JsonSchemaObject;
  return schema;
}

/** Validates the data of a whole file; every error, with the schema node that raised it (`verbose`). */
export function validateAgainstSchema(data: unknown): ErrorObject[] {
  if (!validate) {
    const ajv = new Ajv2020({ allErrors: true, verbose: true, strictSchema: true, strictTypes: true, strictTuples: true, strictRequired: false, allowUnionTypes: true });
    // `x-message` is this schema's own annotation: the sentence shown when the node it sits on fails.
    ajv.addKeyword('x-message');
    validate = ajv.compile(gatewayConfigSchema());
  }
  return validate(data) ? [] : [...(validate.errors ?? [])];
}
