// A whole recorded chat replayed from the command line (issue 11): two messages typed on a pseudo-terminal with
// --record, then `mcpkit chat --replay FILE` answers both again with no model API, no key and no server.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, lastToolResults } from '@mcpkit/host/testing';
import { EVERYTHING, cleanEnv, runCli, runInTerminal } from '../testing/harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe('mcpkit chat --replay of a whole chat', () => {
  it('replays every recorded message in order, each answer on stdout', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-replay-'));
    const file = join(dir, 'chat.jsonl');
    const llm = await LlmDouble.start({
      turns: [
        { toolCalls: [{ name: 'everything__echo', arguments: { text: 'one' } }] },
        (req) => ({ text: `Result: ${lastToolResults(req)[0]?.content}` }),
        { text: 'Goodbye.' },
      ],
    });
    cleanups.push(() => llm.close());
    const env = cleanEnv({ ANTHROPIC_API_KEY: 'sk-test', NO_COLOR: '1', XDG_CONFIG_HOME: join(dir, 'config') });
    const recorded = await runInTerminal(['chat', '--base-url', llm.url, '--record', file, '--', ...EVERYTHING], {
      env,
      answers: [
        ['you> ', 'echo one\r'],
        ['[N] deny: ', 'y\r'],
        ['Result: one', 'bye\r', 100],
        ['Goodbye.', '/exit\r', 100],
      ],
    });
    expect(recorded.code).toBe(0);
    await llm.close();

    const noKeys = cleanEnv({ ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', NO_COLOR: '1' });
    const replayed = await runCli(['chat', '--replay', file, '--allow-tool', 'echo'], { env: noKeys });
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe('Result: one\nGoodbye.\n');
    expect(replayed.stderr).toContain('you> echo one');
    expect(replayed.stderr).toContain('you> bye');

    // A transcript with no message from the user is a usage error that says so.
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, `${readFileSync(file, 'utf8').split('\n')[0]}\n`);
    const none = await runCli(['chat', '--replay', empty], { env: noKeys });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('the transcript has no message from the user');
  });
});
