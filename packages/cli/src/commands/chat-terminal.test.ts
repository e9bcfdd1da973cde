// The chat's one terminal shared by questions that come at once: two servers' elicitation forms from parallel tool
// calls are asked one after the other, each getting its own answers (before, the second question took the first
// one's place and that call waited forever). On a pseudo-terminal, against the LLM double and two everything servers.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, lastToolResults } from '@mcpkit/host/testing';
import { EVERYTHING, cleanEnv, runInTerminal } from '../testing/harness.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe('mcpkit chat: questions asked at once', () => {
  it('two servers eliciting from parallel calls are asked in turn', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-asks-'));
    const config = join(dir, '.mcp.json');
    const server = { command: EVERYTHING[0], args: EVERYTHING.slice(1) };
    writeFileSync(config, JSON.stringify({ mcpServers: { a: server, b: server } }));
    const llm = await LlmDouble.start({
      turns: [
        { toolCalls: [{ name: 'a__elicit_info' }, { name: 'b__elicit_info' }] },
        (req) => ({ text: `final: ${lastToolResults(req).map((r) => r.content).sort().join(' & ')}` }),
      ],
    });
    cleanups.push(() => llm.close());
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--allow-tool', 'elicit_info', '--config', config], {
      env: cleanEnv({ ANTHROPIC_API_KEY: 'sk-test', NO_COLOR: '1', XDG_CONFIG_HOME: join(dir, 'config') }),
      answers: [
        ['you> ', 'go\r'],
        ['  name (', 'Ada\r'],
        ['  age (', '36\r'],
        ['Send {', 'y\r'],
        ['  name (', 'Bo\r'],
        ['  age (', '7\r'],
        ['Send {', 'y\r'],
        ['final: ', '/exit\r', 100],
      ],
    });
    expect(r.output).toContain('final: Hello Ada & Hello Bo');
    expect(r.code).toBe(0);
  });
});
