/**
 * `mcpkit test` (issue 13) against the everything reference server over stdio: a passing scenario, a failing one
 * with its JUnit report parsed and checked, a malformed file (exit 2, the key named at its line and column),
 * and a server that cannot start (exit 3, every step failed in the report).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, ROOT, runCli } from './testing/harness.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpkit-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Timings vary from run to run. */
const steady = (text: string): string => text.replace(/\(\d+ ms\)/g, '(N ms)');

interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** Just enough XML for a JUnit report: elements, attributes, text and the five entities; throws on bad nesting. */
function parseXml(xml: string): XmlElement {
  const decode = (s: string): string => s.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' })[e]!);
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [root];
  const token = /<(\/?)([\w:-]+)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = token.exec(body)) !== null) {
    if (match.index !== consumed) throw new Error(`unparsable XML at ${consumed}: ${body.slice(consumed, consumed + 40)}`);
    consumed = token.lastIndex;
    const [, closing, name, attrs, selfClosing, text] = match;
    const top = stack.at(-1)!;
    if (text !== undefined) {
      top.text += decode(text);
    } else if (closing) {
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
      stack.pop();
    } else {
      const attributes: Record<string, string> = {};
      for (const [, k, v] of attrs!.matchAll(/([\w:-]+)="([^"]*)"/g)) attributes[k!] = decode(v!);
      const element: XmlElement = { name: name!, attributes, children: [], text: '' };
      top.children.push(element);
      if (!selfClosing) stack.push(element);
    }
  }
  if (consumed !== body.length || stack.length !== 1) throw new Error('unbalanced XML');
  return root.children[0]!;
}

describe('mcpkit test', () => {
  it('runs list, call, read and get steps against the server the file names, a line each, and exits 0', async () => {
    const file = write(
      'pass.yaml',
      `name: everything smoke
server:
  command: [node, dist/bin.js]
  cwd: ${join(ROOT, 'servers', 'everything')}
timeout: 20000
steps:
  - list: tools
    expect:
      contains: [{ name: echo }, { name: add }]
  - name: echo says hi
    call: echo
    arguments: { text: hi }
    expect: { equals: hi, isError: false, matches: "^h" }
  - call: add
    arguments: { a: 2, b: 3 }
    expect:
      equals: { sum: 5 }
      schema: { type: object, required: [sum], properties: { sum: { type: integer } } }
  - call: fail
    expect: { isError: true, contains: always fails }
  - read: demo://readme
    expect: { matches: "^# mcpkit everything" }
  - get: greeting
    arguments: { name: Ada }
    expect: { equals: Write a casual greeting for Ada. }
`,
    );
    const r = await runCli(['test', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(steady(r.stdout)).toBe(
      'everything smoke: 6 steps against `node dist/bin.js`\n' +
        '✓ list tools (N ms)\n' +
        '✓ echo says hi (N ms)\n' +
        '✓ call add (N ms)\n' +
        '✓ call fail (N ms)\n' +
        '✓ read demo://readme (N ms)\n' +
        '✓ get greeting (N ms)\n' +
        'all passed: 6 of 6 steps passed (N ms)\n',
    );
  }, 60_000);

  it('reports each failing step with its reason (a diff for equals), exits 1 and writes a JUnit report', async () => {
    const file = write(
      'fail.yaml',
      `steps:
  - call: add
    arguments: { a: 2, b: 3 }
    expect: { equals: { sum: 6 } }
  - call: echo
    arguments: { text: hi }
    expect: { contains: bye }
  - call: nope
  - list: prompts
    expect: { schema: { type: array, maxItems: 0 } }
  - call: echo
    arguments: { text: "<ok & fine>" }
    expect: { equals: "<ok & fine>" }
`,
    );
    const junit = join(dir, 'fail.xml');
    const r = await runCli(['test', file, '--junit', junit, '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(1);
    expect(steady(r.stdout)).toBe(
      `fail: 5 steps against \`node ${EVERYTHING[1]}\`\n` +
        '✗ call add: equals: the data differs (- expected, + actual) (N ms)\n' +
        '      {\n' +
        '    -   "sum": 6\n' +
        '    +   "sum": 5\n' +
        '      }\n' +
        '✗ call echo: contains: the text does not contain "bye"; it is "hi" (N ms)\n' +
        '✗ call nope: the server answered to tools/call nope with JSON-RPC error -32602: Invalid params: params.name names no tool: nope (N ms)\n' +
        '    hint: check the tool name and arguments: `mcpkit list tools` shows each tool and its arguments\n' +
        '✗ list prompts: schema: the data does not satisfy the schema (N ms)\n' +
        '    (the value): must NOT have more than 0 items\n' +
        '✓ call echo (N ms)\n' +
        '4 failed: 1 of 5 steps passed (N ms)\n',
    );

    const report = parseXml(readFileSync(junit, 'utf8'));
    expect(report.name).toBe('testsuites');
    expect(report.attributes).toMatchObject({ tests: '5', failures: '4', errors: '0' });
    const suite = report.children[0]!;
    expect(suite.name).toBe('testsuite');
    expect(suite.attributes).toMatchObject({ name: 'fail', tests: '5', failures: '4', errors: '0', skipped: '0' });
    const cases = suite.children;
    expect(cases.map((c) => [c.name, c.attributes.name, c.attributes.line])).toEqual([
      ['testcase', 'call add', '2'],
      ['testcase', 'call echo', '5'],
      ['testcase', 'call nope', '8'],
      ['testcase', 'list prompts', '9'],
      ['testcase', 'call echo', '11'],
    ]);
    const failures = cases.map((c) => c.children.find((f) => f.name === 'failure'));
    expect(failures.map((f) => f?.attributes.message)).toEqual([
      'equals: the data differs (- expected, + actual)',
      'contains: the text does not contain "bye"; it is "hi"',
      'the server answered to tools/call nope with JSON-RPC error -32602: Invalid params: params.name names no tool: nope',
      'schema: the data does not satisfy the schema',
      undefined,
    ]);
    expect(failures[0]!.attributes.type).toBe('equals');
    expect(failures[0]!.text).toBe('equals: the data differs (- expected, + actual)\n  {\n-   "sum": 6\n+   "sum": 5\n  }');
    expect(cases[4]!.children).toEqual([]);
  }, 60_000);

  it('refuses a malformed scenario with exit 2, each problem at file:line:col naming the key', async () => {
    const file = write(
      'bad.yaml',
      `server:
  command: [node, dist/bin.js]
  restart: always
steps:
  - call: echo
    expect:
      equal: hi
  - read: 3
  - get: greeting
    arguments: { name: 5 }
`,
    );
    const r = await runCli(['test', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `mcpkit: ${file}:3:3: server.restart: unknown key "restart"; expected command, args, env, cwd\n` +
        `${file}:7:7: steps[0].expect.equal: unknown key "equal" (did you mean "equals"?); expected equals, contains, matches, schema, isError\n` +
        `${file}:8:11: steps[1].read: must be a resource URI\n` +
        `${file}:10:24: steps[2].arguments.name: prompt arguments are strings; quote it ("5")\n` +
        '  hint: fix the scenario file (docs/cli-test.md describes its format)\n',
    );
  }, 60_000);

  it('a server that cannot start: exit 3, and every step failed in the JUnit report', async () => {
    const file = write('nostart.yaml', 'steps:\n  - list: tools\n  - call: echo\n');
    const junit = join(dir, 'nostart.xml');
    const r = await runCli(['test', file, '--junit', junit, '--', 'mcpkit-no-such-command-13']);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot connect to `mcpkit-no-such-command-13`');
    const suite = parseXml(readFileSync(junit, 'utf8')).children[0]!;
    expect(suite.attributes).toMatchObject({ tests: '2', failures: '2' });
    for (const testcase of suite.children) expect(testcase.children[0]!.attributes.message).toMatch(/^not run: cannot connect to `mcpkit-no-such-command-13`/);
  }, 60_000);
});
