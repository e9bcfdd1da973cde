/**
 * The `schema` expectation: JSON Schema (2020-12 by default, draft-07 when `$schema` says so) compiled once, when
 * the scenario is loaded, so that a broken schema is a problem of the file rather than a failing step.
 * @module
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { Ajv as AjvDraft7, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

const addFormats = addFormatsModule as unknown as (ajv: unknown) => void;
let ajv2020: Ajv2020 | undefined;
let ajv7: AjvDraft7 | undefined;

function ajvFor(schema: unknown): Ajv2020 | AjvDraft7 {
  const dialect = typeof schema === 'object' && schema !== null ? (schema as { $schema?: unknown }).$schema : undefined;
  if (typeof dialect === 'string' && /draft-0[4-7]/.test(dialect)) {
    if (!ajv7) {
      ajv7 = new AjvDraft7({ allErrors: true, strict: false });
      addFormats(ajv7);
    }
    return ajv7;
  }
  if (!ajv2020) {
    ajv2020 = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv2020);
  }
  return ajv2020;
}

/** A validator for `schema`, or why it cannot be one. */
export function compileSchema(schema: unknown): { validate: ValidateFunction } | { error: string } {
  if (typeof schema !== 'boolean' && (typeof schema !== 'object' || schema === null || Array.isArray(schema))) return { error: 'a schema is a mapping (or true/false)' };
  try {
    return { validate: ajvFor(schema).compile(schema as object) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

/** What is wrong with the value, one line each (`/sum: must be number`). */
export function schemaErrors(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(the value)'}: ${e.message ?? 'is invalid'}${e.keyword === 'additionalProperties' ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : ''}`);
}
