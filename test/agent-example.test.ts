/**
 * Keeps examples/agent.ts (issue 11: the guides' "Claude + MCP tools" client on @mcpkit/host) honest: it
 * type-checks, and once built it runs a tool loop against the LLM double and the real everything server over
 * stdio, asking on the terminal before each tool call.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, lastToolResults, offeredTools } from '@mcpkit/host/testing';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'examples', 'agent.ts');
// Under test/ so that @mcpkit/host resolves through the workspace's node_modules (built dist/).
const outDir = join(root, 'test', 'dist', 'agent-example');
const outFile = join(outDir, 'agent.js');
const everything = join(root, 'servers', 'everything', 'dist', 'bin.js');
const children: ChildProcess[] = [];
let llm: LlmDouble | undefined;

afterEach(async () => {
  await llm?.close();
  llm = undefined;
});
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

function build(): void {
  mkdirSync(outDir, { recursive: true });
  const options = { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } };
  writeFileSync(outFile, ts.transpileModule(readFileSync(source, 'utf8'), options).outputText);
}

/** Runs the example; answers each approval question (seen on stderr) with the next of `answers`. */
function runExample(url: string, prompt: string, answers: string[]): Promise<{ code: number | null; stdout: string; stderr: string; asked: number }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ANTHROPIC_BASE_URL: url, ANTHROPIC_API_KEY: 'test-key' };
    const child = spawn(process.execPath, [outFile, prompt, process.execPath, everything], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    let asked = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // Answer only once the question is on screen: readline drops a line that arrives before it asks.
      while (stderr.split('[y/N] ').length - 1 > asked) child.stdin.write(`${answers[asked++] ?? 'n'}\n`);
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr, asked }));
  });
}

describe('examples/agent.ts', () => {
  it('type-checks under the project settings', () => {
    const program = ts.createProgram([source], {
      strict: true,
      noEmit: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      types: ['node'],
    });
    expect(ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([]);
  });

  it('offers the server’s tools to the model, runs an approved call and prints the final answer', async () => {
    build();
    llm = await LlmDouble.start({
      turns: [
        { text: 'Adding.', toolCalls: [{ name: 'server__add', arguments: { a: 2, b: 3 } }] },
        (request) => ({ text: `The sum is ${lastToolResults(request)[0]?.content ?? 'missing'}.` }),
      ],
    });
    const run = await runExample(llm.url, 'What is 2 + 3?', ['y']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.asked).toBe(1);
    expect(run.stderr).toContain('Run server__add {"a":2,"b":3}? [y/N] ');
    expect(run.stdout).toBe('The sum is 5.\n');
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[0]!.headers['x-api-key']).toBe('test-key');
    expect(offeredTools(llm.requests[0]!)).toContain('server__add');
    expect(lastToolResults(llm.requests[1]!)).toEqual([{ id: expect.any(String), content: '5', isError: false }]);
  });

  it('a denied call is not run and the model is told so', async () => {
    build();
    llm = await LlmDouble.start({
      turns: [
        { toolCalls: [{ name: 'server__echo', arguments: { text: 'hi' } }] },
        (request) => ({ text: lastToolResults(request)[0]?.isError ? 'I was not allowed to.' : 'It ran.' }),
      ],
    });
    const run = await runExample(llm.url, 'Echo hi', ['n']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('I was not allowed to.\n');
    const [result] = lastToolResults(llm.requests[1]!);
    expect(result?.content).toMatch(/denied/);
  });
});
