/**
 * Turns ajv's errors into sentences a person can act on, each at the node it is about: unknown fields with a
 * "did you mean", one sentence for a failed alternative (`x-message`) instead of one per branch, no `if` noise.
 * @module
 */
import type { ErrorObject } from 'ajv';
import { pointerSegments } from './field-path.js';
import { didYouMean } from './suggest.js';
import type { RawProblem } from './raw-problem.js';

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping (key: value)',
  null: 'empty',
};

const COMPOSITE = new Set(['anyOf', 'oneOf', 'not']);

function xMessage(error: ErrorObject): string | undefined {
  const message = (error.parentSchema as Record<string, unknown> | undefined)?.['x-message'];
  return typeof message === 'string' ? message : undefined;
}

/** Problems for ajv's errors on `data`. */
export function schemaProblems(errors: readonly ErrorObject[]): RawProblem[] {
  // A failed alternative with its own sentence stands for everything its branches said.
  const composites = errors.filter((e) => COMPOSITE.has(e.keyword) && xMessage(e) !== undefined);
  const covered = (e: ErrorObject) =>
    composites.some(
      (c) => c !== e && (e.instancePath === c.instancePath || e.instancePath.startsWith(`${c.instancePath}/`)) && e.schemaPath.startsWith(`${c.schemaPath}/`),
    );
  const problems = new Map<string, RawProblem>();
  for (const error of errors) {
    if (covered(error) || error.keyword === 'if' || error.keyword === 'propertyNames') continue;
    const problem = describe(error, errors);
    // The same sentence can come from two schemas (an entry's own type and its branch's); say it once.
    if (problem) problems.set(`${problem.path.join('\0')}\0${problem.message}`, problem);
  }
  return [...problems.values()];
}

function describe(error: ErrorObject, all: readonly ErrorObject[]): RawProblem | undefined {
  const path: (string | number)[] = pointerSegments(error.instancePath);
  const params = error.params as Record<string, unknown>;
  // Inside propertyNames the error is about a key: point at it.
  if (error.propertyName !== undefined) {
    return { path: [...path, error.propertyName], atKey: true, message: xMessage(error) ?? `is not a valid name (${error.message ?? 'invalid'})` };
  }
  const custom = xMessage(error);
  switch (error.keyword) {
    case 'type': {
      const types = String(params.type).split(',');
      return { path, message: `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}` };
    }
    case 'required':
      return { path: [...path, String(params.missingProperty)], message: 'is required', atKey: true };
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const known = Object.keys(((error.parentSchema as Record<string, unknown>).properties as object | undefined) ?? {}).filter((k) => k !== '$schema');
      const hint = didYouMean(name, known);
      const message = hint !== '' ? `is not a known field${hint}` : `is not a known field; expected one of: ${known.join(', ')}`;
      return { path: [...path, name], message, atKey: true };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      return { path, message: `must be one of ${allowed.join(', ')}${didYouMean(String(error.data), allowed)}` };
    }
    case 'const':
      return { path, message: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'anyOf':
    case 'oneOf':
    case 'not': {
      // Suggest from a nested enum, if one of the branches had a fixed set of values.
      const nested = all.find((e) => e.keyword === 'enum' && e.instancePath === error.instancePath && e.schemaPath.startsWith(`${error.schemaPath}/`));
      const hint = nested && typeof error.data === 'string' ? didYouMean(error.data, (nested.params as { allowedValues: unknown[] }).allowedValues.map(String)) : '';
      return { path, message: `${custom ?? 'does not match any allowed form'}${hint}` };
    }
    case 'minLength':
      return { path, message: params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters` };
    case 'minimum':
      return { path, message: `must be at least ${String(params.limit)}` };
    case 'maximum':
      return { path, message: `must be at most ${String(params.limit)}` };
    case 'pattern':
      return { path, message: custom ?? `must match ${String(params.pattern)}` };
    default:
      return { path, message: custom ?? error.message ?? 'is not valid' };
  }
}
