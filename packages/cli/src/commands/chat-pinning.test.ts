// `mcpkit chat --lock` on a terminal (issue 11: "the host pins definitions and asks again on drift"): a tool whose
// definition no longer matches the lockfile is asked about; accepted, it is pinned anew and offered to the model;
// refused, it stays hidden. Against the LLM double and the weather server, on a pseudo-terminal.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, offeredTools } from '@mcpkit/host/testing';
import { ROOT, cleanEnv, runCli, runInTerminal } from '../testing/harness.js';

const SLOW = 60_000;
const WEATHER = ['node', join(ROOT, 'servers', 'weather', 'dist', 'bin.js')];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

type Lock = { servers: Record<string, { tools: Record<string, { digest: string }> }> };
const readLock = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Lock;

describe('mcpkit chat --lock on a terminal', () => {
  it('asks about a tool that drifted: accepted, it is pinned anew and offered; refused, it stays hidden', { timeout: SLOW }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-lock-'));
    const lock = join(dir, 'mcp.lock.json');
    const env = cleanEnv({ ANTHROPIC_API_KEY: 'sk-test', NO_COLOR: '1', XDG_CONFIG_HOME: join(dir, 'config') });
    const llm = await LlmDouble.start({ turns: [{ text: 'pinned' }, { text: 'first answer' }, { text: 'second answer' }] });
    cleanups.push(() => llm.close());
    const first = await runCli(['chat', '--base-url', llm.url, '--print', 'p', '--lock', lock, '--', ...WEATHER], { env });
    expect(first.code).toBe(0);
    const pinned = readLock(lock).servers.weather!.tools.get_weather!.digest;
    const drift = () => {
      const l = readLock(lock);
      l.servers.weather!.tools.get_weather!.digest = '0'.repeat(64);
      writeFileSync(lock, JSON.stringify(l));
    };

    drift();
    const accepted = await runInTerminal(['chat', '--base-url', llm.url, '--lock', lock, '--', ...WEATHER], {
      env,
      answers: [
        ['[N] keep it hidden: ', 'a\r'],
        ['you> ', 'hi\r'],
        ['first answer', '/exit\r', 100],
      ],
    });
    expect(accepted.code).toBe(0);
    expect(accepted.output).toContain('weather: tool get_weather is not what');
    expect(accepted.output).toContain(`pinned the new definition of get_weather in ${lock}`);
    expect(accepted.output).not.toContain('is hidden until approved');
    expect(readLock(lock).servers.weather!.tools.get_weather!.digest).toBe(pinned);
    expect(offeredTools(llm.requests[1]!)).toContain('weather__get_weather');

    drift();
    const refused = await runInTerminal(['chat', '--base-url', llm.url, '--lock', lock, '--', ...WEATHER], {
      env,
      answers: [
        ['[N] keep it hidden: ', 'n\r'],
        ['you> ', 'hi\r'],
        ['second answer', '/exit\r', 100],
      ],
    });
    expect(refused.code).toBe(0);
    expect(refused.output).toContain('weather: tool:get_weather is hidden until approved');
    expect(readLock(lock).servers.weather!.tools.get_weather!.digest).toBe('0'.repeat(64));
    expect(offeredTools(llm.requests[2]!)).not.toContain('weather__get_weather');
    expect(offeredTools(llm.requests[2]!)).toContain('weather__get_forecast');
  });
});
