/**
 * Loading a scenario file: YAML parsed with positions, then checked strictly (an unknown key is an error that
 * names it), every problem reported at once as `file:line:col: field: message`, JSON Schemas compiled up front.
 * @module
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { didYouMean } from '../suggest.js';
import { compileSchema } from './schema.js';
import type { Expectations, ListKind, Scenario, ScenarioServer, Step } from './types.js';
import { type FieldPath, locate } from './yaml-position.js';

/** One thing wrong with the file. */
export interface ScenarioProblem {
  line: number;
  column: number;
  /** The field, e.g. `steps[2].expect.equal`, or '' for the file as a whole. */
  field: string;
  message: string;
}

/** A scenario file that cannot be run: its message has one `file:line:col: field: message` line per problem. */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  readonly file: string;
  readonly problems: ScenarioProblem[];

  constructor(file: string, problems: ScenarioProblem[], options?: { cause?: unknown }) {
    super(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ''}${p.message}`).join('\n'), options);
    this.file = file;
    this.problems = problems;
  }
}

interface Problem {
  path: FieldPath;
  message: string;
  /** Point at the key rather than its value (an unknown key). */
  atKey?: boolean;
}

const TOP_KEYS = ['name', 'server', 'timeout', 'steps'];
const STDIO_KEYS = ['command', 'args', 'env', 'cwd'];
const HTTP_KEYS = ['url', 'headers'];
const ACTIONS = ['list', 'call', 'read', 'get'] as const;
const STEP_KEYS: Record<(typeof ACTIONS)[number], string[]> = {
  list: ['name', 'list', 'expect'],
  call: ['name', 'call', 'arguments', 'expect'],
  read: ['name', 'read', 'expect'],
  get: ['name', 'get', 'arguments', 'expect'],
};
const EXPECT_KEYS = ['equals', 'contains', 'matches', 'schema', 'isError'];
const LIST_KINDS: ListKind[] = ['tools', 'resources', 'templates', 'prompts'];

function fieldName(path: FieldPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : typeof value;
}

/** Checks that `value` is a mapping with only the `allowed` keys. */
function checkKeys(value: Record<string, unknown>, allowed: string[], path: FieldPath, problems: Problem[]): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    const hint = didYouMean(key, allowed);
    problems.push({ path: [...path, key], message: `unknown key "${key}"${hint ? ` (${hint})` : ''}; expected ${allowed.join(', ')}`, atKey: true });
  }
}

/** A string-valued mapping (env, headers): scalars are taken as their text. */
function stringMap(value: unknown, path: FieldPath, problems: Problem[]): Record<string, string> {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.push({ path, message: `must be a mapping of names to values, not ${typeOf(value)}` });
    return {};
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
    else problems.push({ path: [...path, k], message: `must be a plain value, not ${typeOf(v)}` });
  }
  return out;
}

function checkServer(value: unknown, baseDir: string, problems: Problem[]): ScenarioServer | undefined {
  const path = ['server'];
  if (!isObject(value)) {
    problems.push({ path, message: `must be a mapping with command (stdio) or url (Streamable HTTP), not ${typeOf(value)}` });
    return undefined;
  }
  if (value.url !== undefined && value.command !== undefined) {
    problems.push({ path, message: 'give command (stdio) or url (Streamable HTTP), not both' });
    return undefined;
  }
  if (value.url !== undefined) {
    checkKeys(value, HTTP_KEYS, path, problems);
    let url: URL | undefined;
    try {
      url = typeof value.url === 'string' ? new URL(value.url) : undefined;
    } catch {
      // reported below
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      problems.push({ path: [...path, 'url'], message: 'must be an http: or https: URL, e.g. http://127.0.0.1:3000/mcp' });
      return undefined;
    }
    return { kind: 'http', url: url.href, headers: stringMap(value.headers, [...path, 'headers'], problems) };
  }
  if (value.command === undefined) {
    problems.push({ path, message: 'needs command (a stdio server, e.g. [node, dist/server.js]) or url' });
    return undefined;
  }
  checkKeys(value, STDIO_KEYS, path, problems);
  let words: string[] = [];
  if (typeof value.command === 'string') {
    if (/\s/.test(value.command.trim()) && value.args === undefined) {
      problems.push({ path: [...path, 'command'], message: 'is run without a shell, so it is one program name; write the command as a list, e.g. [node, dist/server.js]' });
    }
    words = [value.command];
  } else if (Array.isArray(value.command) && value.command.length > 0 && value.command.every((w) => typeof w === 'string')) {
    words = value.command as string[];
  } else {
    problems.push({ path: [...path, 'command'], message: 'must be a program name or a non-empty list of strings' });
  }
  if (value.args !== undefined) {
    if (Array.isArray(value.args) && value.args.every((w) => typeof w === 'string' || typeof w === 'number')) words = [...words, ...value.args.map(String)];
    else problems.push({ path: [...path, 'args'], message: 'must be a list of strings' });
  }
  if (value.cwd !== undefined && typeof value.cwd !== 'string') problems.push({ path: [...path, 'cwd'], message: 'must be a folder path' });
  const env = stringMap(value.env, [...path, 'env'], problems);
  const [command = '', ...args] = words;
  // Relative to the scenario file, so that the file works from any directory.
  return { kind: 'stdio', command, args, env, cwd: resolve(baseDir, typeof value.cwd === 'string' ? value.cwd : '.') };
}

function checkExpect(value: unknown, action: string, path: FieldPath, problems: Problem[]): Expectations {
  if (value === undefined) return {};
  if (!isObject(value)) {
    problems.push({ path, message: `must be a mapping of ${EXPECT_KEYS.join(', ')}, not ${typeOf(value)}` });
    return {};
  }
  checkKeys(value, EXPECT_KEYS, path, problems);
  const out: Expectations = {};
  if ('equals' in value) out.equals = value.equals;
  if ('contains' in value) out.contains = value.contains;
  if (value.matches !== undefined) {
    const text = value.matches;
    const literal = typeof text === 'string' ? /^\/(.*)\/([dgimsuy]*)$/s.exec(text) : null;
    try {
      if (typeof text !== 'string') throw new Error(`must be a regular expression as a string, not ${typeOf(text)}`);
      out.matches = literal ? new RegExp(literal[1]!, literal[2]!.replace('g', '')) : new RegExp(text);
    } catch (error) {
      problems.push({ path: [...path, 'matches'], message: (error as Error).message.replace(/^Invalid regular expression: /, 'is not a valid regular expression: ') });
    }
  }
  if (value.schema !== undefined) {
    const compiled = compileSchema(value.schema);
    if ('error' in compiled) problems.push({ path: [...path, 'schema'], message: `is not a usable JSON Schema: ${compiled.error}` });
    else out.schema = { source: value.schema, validate: compiled.validate };
  }
  if (value.isError !== undefined) {
    if (action !== 'call') problems.push({ path: [...path, 'isError'], message: 'applies to call steps only (tool results)', atKey: true });
    else if (typeof value.isError !== 'boolean') problems.push({ path: [...path, 'isError'], message: 'must be true or false' });
    else out.isError = value.isError;
  }
  return out;
}

function checkStep(value: unknown, index: number, lineOf: (path: FieldPath) => number, problems: Problem[]): Step | undefined {
  const path: FieldPath = ['steps', index];
  if (!isObject(value)) {
    problems.push({ path, message: `must be a mapping with one of ${ACTIONS.join(', ')}, not ${typeOf(value)}` });
    return undefined;
  }
  const actions = ACTIONS.filter((a) => a in value);
  if (actions.length === 0) {
    const known = [...ACTIONS, 'name', 'arguments', 'expect'];
    const before = problems.length;
    checkKeys(value, known, path, problems);
    if (problems.length === before) problems.push({ path, message: `needs one of ${ACTIONS.join(', ')}` });
    return undefined;
  }
  if (actions.length > 1) {
    problems.push({ path, message: `has ${actions.join(' and ')}; a step does one thing` });
    return undefined;
  }
  const action = actions[0]!;
  checkKeys(value, STEP_KEYS[action], path, problems);
  const subject = value[action];
  const at = (key: string): FieldPath => [...path, key];
  if (value.name !== undefined && typeof value.name !== 'string') problems.push({ path: at('name'), message: 'must be a string' });
  const expect = checkExpect(value.expect, action, at('expect'), problems);
  const base = { line: lineOf(path), expect };
  const named = (fallback: string) => ({ ...base, name: typeof value.name === 'string' ? value.name : fallback });
  if (action === 'list') {
    if (!LIST_KINDS.includes(subject as ListKind)) {
      problems.push({ path: at('list'), message: `must be one of ${LIST_KINDS.join(', ')}` });
      return undefined;
    }
    return { ...named(`list ${String(subject)}`), action, kind: subject as ListKind };
  }
  if (typeof subject !== 'string' || subject === '') {
    problems.push({ path: at(action), message: `must be ${action === 'call' ? 'a tool name' : action === 'read' ? 'a resource URI' : 'a prompt name'}` });
    return undefined;
  }
  if (action === 'read') return { ...named(`read ${subject}`), action, uri: subject };
  const args = value.arguments ?? {};
  if (!isObject(args)) {
    problems.push({ path: at('arguments'), message: `must be a mapping of argument names to values, not ${typeOf(args)}` });
    return undefined;
  }
  if (action === 'call') return { ...named(`call ${subject}`), action, tool: subject, arguments: args };
  for (const [k, v] of Object.entries(args)) {
    if (typeof v !== 'string') problems.push({ path: [...path, 'arguments', k], message: `prompt arguments are strings; quote it ("${String(v)}")` });
  }
  return { ...named(`get ${subject}`), action, prompt: subject, arguments: args as Record<string, string> };
}

/**
 * Parses and checks scenario text.
 * @throws ScenarioError listing every problem with its line and column.
 */
export function parseScenario(text: string, file: string): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      file,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, field: '', message: `invalid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` };
      }),
    );
  }
  const data: unknown = doc.toJS({ maxAliasCount: 1000 });
  const problems: Problem[] = [];
  const lineOf = (path: FieldPath): number => locate(doc, lines, path).line;
  let scenario: Scenario | undefined;
  if (!isObject(data)) {
    problems.push({ path: [], message: `must be a mapping with steps (and optionally name, server, timeout), not ${typeOf(data)}` });
  } else {
    checkKeys(data, TOP_KEYS, [], problems);
    if (data.name !== undefined && typeof data.name !== 'string') problems.push({ path: ['name'], message: 'must be a string' });
    if (data.timeout !== undefined && !(Number.isSafeInteger(data.timeout) && (data.timeout as number) > 0)) problems.push({ path: ['timeout'], message: 'must be a whole number of milliseconds, e.g. 10000' });
    const server = data.server === undefined ? undefined : checkServer(data.server, dirname(resolve(file)), problems);
    const steps: Step[] = [];
    if (!Array.isArray(data.steps) || data.steps.length === 0) {
      problems.push({ path: data.steps === undefined ? [] : ['steps'], message: data.steps === undefined ? 'needs steps: a list of list, call, read or get steps' : 'must be a non-empty list of steps' });
    } else {
      data.steps.forEach((s, i) => {
        const step = checkStep(s, i, lineOf, problems);
        if (step) steps.push(step);
      });
    }
    scenario = {
      file,
      name: typeof data.name === 'string' ? data.name : basename(file, extname(file)),
      server,
      timeout: typeof data.timeout === 'number' ? data.timeout : undefined,
      steps,
    };
  }
  if (problems.length > 0 || !scenario) {
    throw new ScenarioError(
      file,
      problems
        .map((p) => ({ ...locate(doc, lines, p.path, p.atKey), field: fieldName(p.path), message: p.message }))
        .sort((x, y) => x.line - y.line || x.column - y.column),
    );
  }
  return scenario;
}

/**
 * Reads and checks a scenario file.
 * @throws ScenarioError when it cannot be read or is not a valid scenario.
 */
export async function loadScenario(file: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(file, [{ line: 1, column: 1, field: '', message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})` }], { cause: error });
  }
  return parseScenario(text, file);
}
