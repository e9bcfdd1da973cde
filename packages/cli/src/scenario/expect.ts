/**
 * Checking a step's result against its expectations. A string expectation (equals, contains, matches) is about
 * the step's text; any other value, and a schema, is about its data (see {@link StepOutcome}).
 * @module
 */
import { diffText, lineDiff } from './diff.js';
import { schemaErrors } from './schema.js';
import type { Expectations } from './types.js';

/** What a step produced, in the two forms expectations look at. */
export interface StepOutcome {
  /** The text: a tool's text content, a resource's text contents, a prompt's text messages, a list's names (one a line each). */
  text: string;
  /** The data: a tool's structuredContent (else the whole result), the read or get result, the list of items. */
  data: unknown;
  /** A tool result's isError. */
  isError?: boolean | undefined;
}

/** An expectation that did not hold. */
export interface Mismatch {
  /** Which expectation: equals, contains, matches, schema, isError. */
  kind: string;
  message: string;
  /** More lines: a diff, the schema's complaints. */
  details: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep equality of JSON values (key order does not matter). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Whether `actual` contains `expected`: a mapping when each expected key is there and contains the expected value;
 * a list when each expected item is contained in some item of the actual list; anything else when equal.
 */
export function containsValue(actual: unknown, expected: unknown): boolean {
  if (isObject(expected)) return isObject(actual) && Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && containsValue(actual[k], v));
  if (Array.isArray(expected)) return Array.isArray(actual) && expected.every((e) => actual.some((a) => containsValue(a, e)));
  return deepEqual(actual, expected);
}

function excerpt(text: string, max = 200): string {
  const one = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return one;
}

/** Every expectation that does not hold, in a fixed order; empty when the step passes. */
export function checkExpectations(expect: Expectations, outcome: StepOutcome): Mismatch[] {
  const out: Mismatch[] = [];
  if (expect.isError !== undefined && (outcome.isError === true) !== expect.isError) {
    out.push({ kind: 'isError', message: `expected isError: ${expect.isError}, got ${outcome.isError === true}${outcome.isError ? `: ${excerpt(outcome.text)}` : ''}`, details: [] });
  }
  if ('equals' in expect) {
    const textual = typeof expect.equals === 'string';
    const actual = textual ? outcome.text : outcome.data;
    if (!(textual ? actual === expect.equals : deepEqual(actual, expect.equals))) {
      out.push({ kind: 'equals', message: `the ${textual ? 'text' : 'data'} differs (- expected, + actual)`, details: lineDiff(diffText(expect.equals), diffText(actual)) });
    }
  }
  if ('contains' in expect) {
    if (typeof expect.contains === 'string') {
      if (!outcome.text.includes(expect.contains)) out.push({ kind: 'contains', message: `the text does not contain ${excerpt(expect.contains)}; it is ${excerpt(outcome.text)}`, details: [] });
    } else if (!containsValue(outcome.data, expect.contains)) {
      out.push({ kind: 'contains', message: 'the data does not contain the expected value', details: [`expected (a part of): ${JSON.stringify(expect.contains)}`, `actual: ${JSON.stringify(outcome.data)}`] });
    }
  }
  if (expect.matches && !expect.matches.test(outcome.text)) {
    out.push({ kind: 'matches', message: `the text does not match ${String(expect.matches)}; it is ${excerpt(outcome.text)}`, details: [] });
  }
  if (expect.schema && !expect.schema.validate(outcome.data)) {
    out.push({ kind: 'schema', message: 'the data does not satisfy the schema', details: schemaErrors(expect.schema.validate) });
  }
  return out;
}
