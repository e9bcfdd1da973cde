// The agent loop against the LLM double and two real MCP servers over stdio (everything and weather).
import { afterEach, describe, expect, it } from 'vitest';
import type { McpHost } from '../index.js';
import { LlmDouble, type RecordedRequest, lastToolResults, offeredTools } from '../testing/index.js';
import { Agent, runAgent } from './agent.js';
import { type ApprovalAnswer, type ApprovalRequest, ToolApprovals } from './approvals.js';
import { PROVIDER_TOOL_NAME } from './catalogue.js';
import type { SamplingApprovalRequest } from './sampling.js';
import { connectedHost, everythingBin, provider, stdio, weatherBin } from '../../test-support/agent.js';

const SLOW = 60_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(turns: Parameters<typeof LlmDouble.start>[0]["turns"], configs = [stdio('everything', everythingBin), stdio('weather', weatherBin)]): Promise<{ llm: LlmDouble; host: McpHost }> {
  const llm = await LlmDouble.start({ turns });
  cleanups.push(() => llm.close());
  const host = await connectedHost(configs);
  cleanups.push(() => host.close());
  return { llm, host };
}

const WEATHER_PARIS_PREFIX = 'Paris, FR: ';

describe.each(['anthropic', 'openai'] as const)('the agent loop (%s)', (api) => {
  it('runs a multi-step loop: two calls on two servers in one step, then an answer built from their results', { timeout: SLOW }, async () => {
    let seen: ReturnType<typeof lastToolResults> = [];
    const { llm, host } = await setup([
      { text: 'Checking.', toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Paris' } }, { name: 'everything__add', arguments: { a: 2, b: 3 } }] },
      (req: RecordedRequest) => {
        seen = lastToolResults(req);
        return { text: `Sum is ${seen[1]?.content}.` };
      },
    ]);
    const events: string[] = [];
    const turn = await runAgent({
      host,
      provider: provider(api, llm),
      prompt: 'Weather in Paris, and 2+3?',
      approvals: new ToolApprovals({ allowTools: ['weather__get_weather', 'everything__add'] }),
      onEvent: (e) => {
        if (e.type === 'tool_call' || e.type === 'tool_result') events.push(`${e.type}:${e.name}`);
      },
    });
    expect(turn.text).toBe('Sum is 5.');
    expect(turn.stopReason).toBe('end_turn');
    expect(turn.toolCalls).toBe(2);
    expect(seen).toHaveLength(2);
    expect(seen[0]!.content.startsWith(WEATHER_PARIS_PREFIX)).toBe(true);
    expect(seen[0]!.isError).toBe(false);
    expect(seen[1]).toMatchObject({ content: '5', isError: false });
    expect(events.slice(0, 2)).toEqual(['tool_call:weather__get_weather', 'tool_call:everything__add']);
    expect(turn.transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    expect(offeredTools(llm.requests[0]!)).toContain('everything__sample_llm');
    expect(offeredTools(llm.requests[0]!)).toContain('weather__get_forecast');
  });

  it('runs several calls of one step in parallel', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([
      { toolCalls: [0, 1, 2].map(() => ({ name: 'everything__long_running', arguments: { seconds: 1, steps: 1 } })) },
      { text: 'done' },
    ]);
    const started = Date.now();
    const turn = await runAgent({ host, provider: provider(api, llm), prompt: 'go', approvals: new ToolApprovals({ allowTools: ['long_running'] }) });
    const elapsed = Date.now() - started;
    expect(turn.toolCalls).toBe(3);
    expect(lastToolResults(llm.requests[1]!).map((r) => r.content)).toEqual(Array(3).fill('Long-running operation finished after 1s in 1 steps'));
    // Three one-second calls one after another take at least 3 s (the in-process test proves overlap without a clock).
    expect(elapsed).toBeLessThan(2_900);
  });

  it('feeds tool errors, unknown tools and invalid arguments back as errors, and keeps going', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([
      { toolCalls: [{ name: 'everything__fail' }, { name: 'nope__missing' }, { name: 'everything__echo', arguments: '{"text": ' }, { name: 'everything__add', arguments: { a: 'x' } }] },
      { text: 'I could not.' },
    ]);
    const turn = await runAgent({ host, provider: provider(api, llm), prompt: 'try', approvals: new ToolApprovals({ allowTools: ['fail', 'echo', 'add'] }) });
    expect(turn.text).toBe('I could not.');
    const results = lastToolResults(llm.requests[1]!);
    expect(results).toHaveLength(4);
    expect(results[0]).toMatchObject({ isError: true });
    expect(results[0]!.content).toMatch(/This tool always fails$/);
    expect(results[1]!.content).toMatch(/^(Error: )?There is no tool named "nope__missing"\. The tools are: everything__echo, /);
    expect(results[2]!.content).toMatch(/^(Error: )?The arguments are not a JSON object: "\{\\"text\\": "/);
    expect(results[3]!.isError).toBe(true);
    expect(turn.toolCalls).toBe(2);
  });

  it('stops at the cap on tool calls per turn, telling the model, and ends the turn if it keeps asking', { timeout: SLOW }, async () => {
    const echo = (text: string) => ({ name: 'everything__echo', arguments: { text } });
    const { llm, host } = await setup([{ toolCalls: [echo('a'), echo('b'), echo('c')] }, { toolCalls: [echo('d')] }, { text: 'never asked for' }]);
    const turn = await runAgent({ host, provider: provider(api, llm), prompt: 'loop', maxToolCallsPerTurn: 2, approvals: new ToolApprovals({ allowTools: ['echo'] }) });
    expect(turn.stopReason).toBe('tool_limit');
    expect(turn.toolCalls).toBe(2);
    expect(llm.requests).toHaveLength(2);
    const results = lastToolResults(llm.requests[1]!);
    expect(results.map((r) => r.content.replace(/^Error: /, ''))).toEqual(['a', 'b', 'Not run: the limit of 2 tool calls for this message was reached. Answer the user with what you have, without calling tools.']);
    expect(turn.transcript.at(-1)).toEqual({ role: 'user', content: [{ type: 'tool_result', callId: expect.any(String), content: 'Not run: the limit of 2 tool calls for this message was reached.', isError: true }] });
  });

  it('a model that keeps asking for a tool that does not exist is stopped by the cap', { timeout: SLOW }, async () => {
    const { llm, host } = await setup(Array(6).fill({ toolCalls: [{ name: 'nope__missing' }] }));
    const turn = await runAgent({ host, provider: provider(api, llm), prompt: 'loop', maxToolCallsPerTurn: 2 });
    expect(turn.stopReason).toBe('tool_limit');
    expect(turn.toolCalls).toBe(0);
    expect(llm.requests).toHaveLength(4);
    expect(lastToolResults(llm.requests[3]!)[0]!.content.replace(/^Error: /, '')).toBe('Not run: the limit of 2 tool calls for this message was reached. Answer the user with what you have, without calling tools.');
  });

  it('truncates a large result with a note to the model', { timeout: SLOW }, async () => {
    const big = 'x'.repeat(50);
    const { llm, host } = await setup([{ toolCalls: [{ name: 'everything__echo', arguments: { text: big } }] }, { text: 'ok' }]);
    await runAgent({ host, provider: provider(api, llm), prompt: 'big', maxResultChars: 10, approvals: new ToolApprovals({ allowTools: ['echo'] }) });
    const [result] = lastToolResults(llm.requests[1]!);
    expect(result!.content).toBe(`${'x'.repeat(10)}\n\n[mcpkit: the result was truncated to its first 10 of 50 characters; ask for less (a narrower query, a page, a range) if you need the rest]`);
  });

  it('non-interactive: runs allow-listed tools only and tells the model why the others did not run', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([{ toolCalls: [{ name: 'everything__echo', arguments: { text: 'hi' } }, { name: 'everything__add', arguments: { a: 1, b: 1 } }] }, { text: 'ok' }]);
    const turn = await runAgent({ host, provider: provider(api, llm), prompt: 'p', approvals: new ToolApprovals({ allowTools: ['everything__echo'], autoApproveReadOnly: true }) });
    const results = lastToolResults(llm.requests[1]!);
    expect(results[0]).toMatchObject({ content: 'hi', isError: false });
    expect(results[1]!.isError).toBe(true);
    expect(results[1]!.content.replace(/^Error: /, '')).toBe('The tool everything__add is not allowed in this non-interactive session (the user did not allow it with --allow-tool), so it was not run. Do not retry it; answer without it.');
    expect(turn.toolCalls).toBe(1);
  });
});

describe('tool names', () => {
  it('servers whose names collide after cleaning get hashed, valid, unique names that map back exactly', { timeout: SLOW }, async () => {
    const long = `s${'e'.repeat(70)}`;
    const { llm, host } = await setup([], [stdio('a.b', everythingBin), stdio('a_b', everythingBin, '--second'), stdio(long, weatherBin)]);
    const names = host.tools().map((t) => t.name);
    const target = host.tools().find((t) => t.server === 'a.b' && t.originalName === 'echo')!;
    const other = host.tools().find((t) => t.server === 'a_b' && t.originalName === 'echo')!;
    const weather = host.tools().find((t) => t.server === long && t.originalName === 'get_weather')!;
    llm.push({ toolCalls: [{ name: target.name, arguments: { text: 'from a.b' } }, { name: weather.name, arguments: { city: 'Paris' } }] }, { text: 'ok' });
    await runAgent({ host, provider: provider('anthropic', llm), prompt: 'p', approvals: new ToolApprovals({ allowTools: [target.name, weather.name] }) });
    const offered = offeredTools(llm.requests[0]!);
    expect(offered).toEqual(names);
    expect(new Set(offered).size).toBe(offered.length);
    for (const n of offered) expect(n).toMatch(PROVIDER_TOOL_NAME);
    expect(target.name).not.toBe('a_b__echo');
    expect(other.name).not.toBe('a_b__echo');
    expect(target.name).toMatch(/^a_b__echo_[0-9a-z]{8}$/);
    expect(weather.name.length).toBe(64);
    expect(host.resolve(target.name)).toEqual({ server: 'a.b', tool: 'echo' });
    // The same names on the next request: stable.
    expect(offeredTools(llm.requests[1]!)).toEqual(offered);
    const results = lastToolResults(llm.requests[1]!);
    expect(results[0]).toMatchObject({ content: 'from a.b', isError: false });
    expect(results[1]!.content.startsWith(WEATHER_PARIS_PREFIX)).toBe(true);
  });
});

describe('approvals in the loop', () => {
  it('deny, allow once, allow always, and "always" never carries over to another server identity', { timeout: SLOW }, async () => {
    const echo = (server: string, text: string) => ({ name: `${server}__echo`, arguments: { text } });
    const { llm, host } = await setup(
      [
        { toolCalls: [echo('e1', 'denied')] },
        { toolCalls: [echo('e1', 'once')] },
        { toolCalls: [echo('e1', 'again')] },
        { toolCalls: [echo('e1', 'remembered')] },
        { toolCalls: [echo('e2', 'other server')] },
        { text: 'done' },
      ],
      [stdio('e1', everythingBin), stdio('e2', everythingBin, '--variant')],
    );
    const answers: ApprovalAnswer[] = ['deny', 'once', 'always', 'deny'];
    const asked: ApprovalRequest[] = [];
    const approvals = new ToolApprovals({ ask: async (r) => (asked.push(r), answers.shift() ?? 'deny') });
    const turn = await runAgent({ host, provider: provider('openai', llm), prompt: 'p', approvals });
    expect(asked.map((a) => `${a.server}:${a.tool}:${a.arguments.text as string}`)).toEqual(['e1:echo:denied', 'e1:echo:once', 'e1:echo:again', 'e2:echo:other server']);
    expect(asked[0]!.identity).toBe(`stdio:${JSON.stringify([process.execPath, everythingBin, `cwd=${process.cwd()}`])}`);
    expect(asked[3]!.identity).toBe(`stdio:${JSON.stringify([process.execPath, everythingBin, '--variant', `cwd=${process.cwd()}`])}`);
    const contents = llm.requests.slice(1).map((r) => lastToolResults(r)[0]!.content);
    expect(contents).toEqual(['Error: The user denied the call to e1__echo; it was not run.', 'once', 'again', 'remembered', 'Error: The user denied the call to e2__echo; it was not run.']);
    expect(turn.toolCalls).toBe(3);
    expect(await approvals.remembered()).toEqual([{ identity: asked[0]!.identity, tool: 'echo', digest: expect.stringMatching(/^[0-9a-f]{64}$/), savedAt: expect.any(String) }]);
  });
});

describe('sampling', () => {
  it('a server’s sampling request, once approved, is served by the host’s model', { timeout: SLOW }, async () => {
    let samplingRequest: RecordedRequest | undefined;
    const { llm, host } = await setup([
      { toolCalls: [{ name: 'everything__sample_llm', arguments: { prompt: 'Say hi', maxTokens: 20 } }] },
      (req) => {
        samplingRequest = req;
        return { text: 'Hi from the model' };
      },
      (req) => ({ text: `The server heard: ${lastToolResults(req)[0]?.content}` }),
    ]);
    const approvals: SamplingApprovalRequest[] = [];
    const turn = await runAgent({
      host,
      provider: provider('anthropic', llm),
      prompt: 'p',
      approvals: new ToolApprovals({ allowTools: ['sample_llm'] }),
      approveSampling: async (r) => (approvals.push(r), true),
    });
    expect(turn.text).toBe('The server heard: LLM said: Hi from the model');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.server).toBe('everything');
    expect(approvals[0]!.params.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Say hi' } }]);
    expect(samplingRequest!.body.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Say hi' }] }]);
    expect(samplingRequest!.body.max_tokens).toBe(20);
    expect(samplingRequest!.body.tools).toBeUndefined();
  });

  it('a declined sampling request never reaches the model, and the tool reports the refusal', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([{ toolCalls: [{ name: 'everything__sample_llm', arguments: { prompt: 'Say hi' } }] }, { text: 'ok' }]);
    await runAgent({ host, provider: provider('anthropic', llm), prompt: 'p', approvals: new ToolApprovals({ allowTools: ['sample_llm'] }), approveSampling: async () => false });
    expect(llm.requests).toHaveLength(2);
    const [result] = lastToolResults(llm.requests[1]!);
    expect(result!.isError).toBe(true);
    expect(result!.content).toMatch(/declined the sampling request from everything/);
  });
});

describe('cancellation', () => {
  it('an abort during a long tool call ends the turn at once with MCPKIT_CANCELLED', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([{ toolCalls: [{ name: 'everything__long_running', arguments: { seconds: 30, steps: 30 } }] }, { text: 'never' }]);
    const controller = new AbortController();
    const agent = new Agent({
      host,
      provider: provider('anthropic', llm),
      approvals: new ToolApprovals({ allowTools: ['long_running'] }),
      onEvent: (e) => {
        if (e.type === 'tool_call') setTimeout(() => controller.abort(), 300);
      },
    });
    const started = Date.now();
    await expect(agent.send('p', { signal: controller.signal })).rejects.toMatchObject({ code: 'MCPKIT_CANCELLED' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(llm.requests).toHaveLength(1);
    // The server is still usable: the cancelled call did not wedge it.
    const again = await host.callTool('everything__echo', { text: 'still here' });
    expect(again.content).toEqual([{ type: 'text', text: 'still here' }]);
  });
});
