// `mcpkit chat` remembering "allow always" across sessions (issue 11): on a pseudo-terminal against the LLM double and
// the everything server, with the approvals file in a temporary XDG_CONFIG_HOME; --list-approvals, --forget-approvals.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, type ScriptedTurn, lastToolResults } from '@mcpkit/host/testing';
import { EVERYTHING, ROOT, cleanEnv, runCli, runInTerminal } from '../testing/harness.js';

const SLOW = 60_000;
const OTHER = [...EVERYTHING, '--variant'];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function double(turns: ScriptedTurn[]): Promise<LlmDouble> {
  const llm = await LlmDouble.start({ turns });
  cleanups.push(() => llm.close());
  return llm;
}

const echoResult: ScriptedTurn = (req) => ({ text: `Result: ${lastToolResults(req)[0]?.content.replace(/^Error: /, '')}` });
const echo = (text: string): ScriptedTurn[] => [{ toolCalls: [{ name: 'everything__echo', arguments: { text } }] }, echoResult];

function setup() {
  const xdg = mkdtempSync(join(tmpdir(), 'mcpkit-approvals-'));
  const env = cleanEnv({ ANTHROPIC_API_KEY: 'sk-test', NO_COLOR: '1', XDG_CONFIG_HOME: xdg });
  return { env, file: join(xdg, 'mcpkit', 'approvals.json') };
}

/** One chat message on a terminal; `answer` is typed at the approval question, if one comes. */
function chatOnce(llm: LlmDouble, server: string[], env: Record<string, string>, answer?: string) {
  const answers: Array<[string, string, number?]> = [['you> ', 'go\r']];
  if (answer !== undefined) answers.push(['[N] deny: ', `${answer}\r`]);
  answers.push(['Result: ', '/exit\r', 100]);
  return runInTerminal(['chat', '--base-url', llm.url, '--', ...server], { env, answers });
}

const identity = (server: string[]) => `stdio:${JSON.stringify([...server, `cwd=${ROOT.replace(/\/$/, '')}`])}`;

describe('mcpkit chat: remembered approvals', () => {
  it('"allow always" holds in the next session for the same server, never for another; --print ignores it', { timeout: SLOW }, async () => {
    const { env, file } = setup();
    const llm = await double([...echo('one'), ...echo('two'), ...echo('three'), ...echo('four')]);
    const first = await chatOnce(llm, EVERYTHING, env, 'a');
    expect(first.output).toContain('everything__echo on server "everything" wants to run with {"text":"one"}');
    expect(first.output).toContain('Result: one');
    expect(first.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { approvals: Record<string, Record<string, { digest: string }>> };
    expect(Object.keys(saved.approvals)).toEqual([identity(EVERYTHING)]);
    expect(saved.approvals[identity(EVERYTHING)]!.echo!.digest).toMatch(/^[0-9a-f]{64}$/);

    // A new session of the same server: not asked.
    const second = await chatOnce(llm, EVERYTHING, env);
    expect(second.output).not.toContain('wants to run');
    expect(second.output).toContain('Result: two');
    expect(second.code).toBe(0);

    // The same server name with other arguments is another server: asked, and denied.
    const other = await chatOnce(llm, OTHER, env, 'n');
    expect(other.output).toContain('everything__echo on server "everything" wants to run with {"text":"three"}');
    expect(other.output).toContain('Result: The user denied the call to everything__echo');

    // Non-interactive: only --allow-tool runs, remembered or not.
    const print = await runCli(['chat', '--base-url', llm.url, '--print', 'go', '--', ...EVERYTHING], { env });
    expect(print.code).toBe(0);
    expect(print.stdout).toContain('Result: The tool everything__echo is not allowed in this non-interactive session');
  });

  it('a tool that changed since it was allowed asks again; --list-approvals and --forget-approvals', { timeout: SLOW }, async () => {
    const { env, file } = setup();
    const llm = await double([...echo('one'), ...echo('two'), ...echo('three')]);
    expect((await chatOnce(llm, EVERYTHING, env, 'a')).code).toBe(0);

    const all = await runCli(['chat', '--list-approvals'], { env });
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(new RegExp(`^echo\\t${escape(identity(EVERYTHING))}\\tallowed \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n$`));
    const named = await runCli(['chat', '--list-approvals', '--', ...EVERYTHING], { env });
    expect(named.stdout).toMatch(/^echo\teverything \(stdio:/);
    const none = await runCli(['chat', '--list-approvals', '--', ...OTHER], { env });
    expect(none.stdout).toBe('');
    expect(none.stderr).toContain('no remembered approvals for these servers');

    // What was approved is not what the server serves now (as after an update that rewrote the tool).
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { approvals: Record<string, Record<string, { digest: string }>> };
    saved.approvals[identity(EVERYTHING)]!.echo!.digest = '0'.repeat(64);
    writeFileSync(file, JSON.stringify(saved));
    const changed = await chatOnce(llm, EVERYTHING, env, 'y');
    expect(changed.output).toContain('you allowed this tool always, but the server has changed it since: asked again');
    expect(changed.output).toContain('Result: two');

    const forgetOther = await runCli(['chat', '--forget-approvals', '--', ...OTHER], { env });
    expect(forgetOther.stderr).toContain('0 remembered approvals forgotten');
    const forget = await runCli(['chat', '--forget-approvals', '--', ...EVERYTHING], { env });
    expect(forget.code).toBe(0);
    expect(forget.stderr).toContain('1 remembered approval forgotten');
    expect((await runCli(['chat', '--list-approvals'], { env })).stdout).toBe('');
    const again = await chatOnce(llm, EVERYTHING, env, 'y');
    expect(again.output).toContain('wants to run with {"text":"three"}');
  });

  it('bad flags and a broken or unsafe approvals file are clear usage errors', { timeout: SLOW }, async () => {
    const { env, file } = setup();
    const both = await runCli(['chat', '--list-approvals', '--forget-approvals'], { env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give --list-approvals or --forget-approvals, not both');
    const withPrint = await runCli(['chat', '--list-approvals', '--print', 'p'], { env });
    expect(withPrint.code).toBe(2);

    expect((await runCli(['chat', '--forget-approvals'], { env })).stderr).toContain('0 remembered approvals forgotten');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, '{"version":1,"approvals":{}}', { mode: 0o600 });
    chmodSync(file, 0o666);
    const unsafe = await runCli(['chat', '--list-approvals'], { env });
    expect(unsafe.code).toBe(2);
    expect(unsafe.stderr).toContain('is writable by other users, so its approvals cannot be trusted');
    chmodSync(file, 0o600);
    writeFileSync(file, 'garbage');
    const broken = await runCli(['chat', '--list-approvals'], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(`${file} is not an mcpkit approvals file`);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
