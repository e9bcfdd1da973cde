/**
 * A scenario file, as loaded and checked: the server to test and the steps to run against it.
 * @module
 */
import type { ValidateFunction } from 'ajv';
import type { Mismatch } from './expect.js';

export type ListKind = 'tools' | 'resources' | 'templates' | 'prompts';

/** What a step expects of its result; every key given must hold. */
export interface Expectations {
  /** A string: the text equals it exactly. Anything else: the data deep-equals it. */
  equals?: unknown;
  /** A string: the text contains it. Anything else: the data contains it (a subset, see docs/cli-test.md). */
  contains?: unknown;
  /** The text matches this regular expression. */
  matches?: RegExp;
  /** The data satisfies this JSON Schema (compiled when the file is loaded). */
  schema?: { source: unknown; validate: ValidateFunction };
  /** The tool result's isError (call steps only). */
  isError?: boolean;
}

interface StepBase {
  /** The step's name in the report: given, or made from the action (`call echo`). */
  name: string;
  /** Where the step starts in the file (1-based). */
  line: number;
  expect: Expectations;
}

export type Step =
  | (StepBase & { action: 'list'; kind: ListKind })
  | (StepBase & { action: 'call'; tool: string; arguments: Record<string, unknown> })
  | (StepBase & { action: 'read'; uri: string })
  | (StepBase & { action: 'get'; prompt: string; arguments: Record<string, string> });

/** The server named in the file. */
export type ScenarioServer =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string }
  | { kind: 'http'; url: string; headers: Record<string, string> };

export interface Scenario {
  /** The file it came from. */
  file: string;
  /** The suite's name: `name:`, or the file's name. */
  name: string;
  server: ScenarioServer | undefined;
  /** Per request, in ms, when the file sets one. */
  timeout: number | undefined;
  steps: Step[];
}

/** How one step went. */
export interface StepReport {
  step: Step;
  /** Milliseconds the request took. */
  ms: number;
  /** The expectations that did not hold (empty when it passed). */
  mismatches: Mismatch[];
  /** The request itself failed (a JSON-RPC error, a lost connection): why, as the CLI explains it. */
  error?: { message: string; hint?: string | undefined } | undefined;
}

/** Whether the step passed: its request succeeded and every expectation held. */
export function passed(report: StepReport): boolean {
  return report.error === undefined && report.mismatches.length === 0;
}

