// The loop against an in-process McpServer (both eras): a destructiveHint tool asks every time, and cancelling the
// turn reaches the server's handler (notifications/cancelled).
import { afterEach, describe, expect, it } from 'vitest';
import { McpHost } from '../index.js';
import { InMemoryTransport } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { LlmDouble, type ScriptedTurn, lastToolResults } from '../testing/index.js';
import { Agent } from './agent.js';
import { type ApprovalAnswer, type ApprovalRequest, ToolApprovals } from './approvals.js';
import { SamplingDesk, agentClientOptions } from './sampling.js';
import { AnthropicProvider } from '../providers/anthropic.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(protocolVersion: string, turns: ScriptedTurn[]) {
  const server = new McpServer({ name: 'mem', version: '1.0.0' });
  const seen = { wiped: 0, waitAborted: undefined as Promise<void> | undefined };
  server.tool('wipe', { description: 'Deletes everything', annotations: { destructiveHint: true } }, () => {
    seen.wiped += 1;
    return { content: [{ type: 'text', text: `wiped ${seen.wiped}` }] };
  });
  server.tool('die', { description: 'The server goes away mid-call' }, async () => {
    setTimeout(() => void server.close(), 20);
    return new Promise(() => undefined);
  });
  // Each call waits until three are in flight at once: only parallel calls can all finish.
  let inFlight = 0;
  let release!: () => void;
  const allIn = new Promise<void>((resolve) => (release = resolve));
  server.tool('barrier', { description: 'Returns once three calls are running at once' }, async () => {
    if (++inFlight === 3) release();
    const timedOut = await Promise.race([allIn.then(() => false), new Promise<boolean>((r) => setTimeout(() => r(true), 10_000))]);
    return { content: [{ type: 'text', text: timedOut ? 'alone' : 'together' }] };
  });
  server.tool('ask', { description: 'Asks the host model' }, async (_args, ctx) => {
    const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: 'Say a word' } }], maxTokens: 5 });
    return { content: [{ type: 'text', text: `model: ${(r.content as { text?: string }).text}` }] };
  });
  let markAborted!: () => void;
  seen.waitAborted = new Promise<void>((resolve) => (markAborted = resolve));
  server.tool('wait', { description: 'Waits until cancelled' }, async (_args, ctx) => {
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
    markAborted();
    return { content: [{ type: 'text', text: 'cancelled' }] };
  });
  const desk = new SamplingDesk();
  const host = new McpHost({
    clientInfo: { name: 'host-test', version: '0' },
    clientOptions: agentClientOptions({ protocolVersion }, desk),
    reconnect: false,
    createTransport: () => {
      const [a, b] = InMemoryTransport.pair();
      void server.connect(a);
      return b;
    },
  });
  host.add({ name: 'mem', transport: 'stdio', command: 'in-process', args: [], env: {} });
  await host.connectAll();
  const llm = await LlmDouble.start({ turns });
  cleanups.push(async () => {
    await host.close();
    await server.close();
    await llm.close();
  });
  return { host, llm, seen, desk, provider: new AnthropicProvider({ baseUrl: llm.url, apiKey: 'k', retry: { maxAttempts: 1 } }) };
}

describe.each(['2025-11-25', '2026-07-28'])('the loop and an in-process server, %s', (protocolVersion) => {
  it('a destructiveHint tool asks every time, even after "always"', async () => {
    const { host, llm, seen, provider } = await setup(protocolVersion, [{ toolCalls: [{ name: 'mem__wipe' }] }, { toolCalls: [{ name: 'mem__wipe' }] }, { text: 'ok' }]);
    const answers: ApprovalAnswer[] = ['always', 'once'];
    const asked: ApprovalRequest[] = [];
    const agent = new Agent({ host, provider, approvals: new ToolApprovals({ ask: async (r) => (asked.push(r), answers.shift() ?? 'deny') }) });
    const turn = await agent.send('wipe twice');
    expect(asked.map((r) => r.why)).toEqual(['destructive', 'destructive']);
    expect(asked[0]!.annotations).toEqual({ destructiveHint: true });
    expect(seen.wiped).toBe(2);
    expect(lastToolResults(llm.requests[2]!)[0]!.content).toBe('wiped 2');
    expect(turn.toolCalls).toBe(2);
  });

  it('cancelling the turn cancels the tool call on the server', async () => {
    const { host, seen, provider } = await setup(protocolVersion, [{ toolCalls: [{ name: 'mem__wait' }] }, { text: 'never' }]);
    const controller = new AbortController();
    const agent = new Agent({
      host,
      provider,
      approvals: new ToolApprovals({ allowTools: ['wait'] }),
      onEvent: (e) => {
        if (e.type === 'tool_call') setTimeout(() => controller.abort(), 100);
      },
    });
    await expect(agent.send('wait', { signal: controller.signal })).rejects.toMatchObject({ code: 'MCPKIT_CANCELLED' });
    let timer: NodeJS.Timeout | undefined;
    const heard = await Promise.race([seen.waitAborted!.then(() => true), new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5_000)))]);
    clearTimeout(timer);
    expect(heard).toBe(true);
  });

  it('a server that goes away mid-call: the model gets an error result and the turn ends normally', async () => {
    const { llm, provider, host } = await setup(protocolVersion, [{ toolCalls: [{ name: 'mem__die' }] }, (req) => ({ text: `saw: ${lastToolResults(req)[0]!.content}` })]);
    const agent = new Agent({ host, provider, approvals: new ToolApprovals({ allowTools: ['die'] }) });
    const turn = await agent.send('die');
    expect(turn.text).toMatch(/^saw: The tool call failed: /);
    expect(lastToolResults(llm.requests[1]!)[0]!.isError).toBe(true);
    expect(turn.toolCalls).toBe(1);
  });

  it('the calls of one step run at the same time', async () => {
    const { llm, provider, host } = await setup(protocolVersion, [{ toolCalls: [{ name: 'mem__barrier' }, { name: 'mem__barrier' }, { name: 'mem__barrier' }] }, { text: 'ok' }]);
    await new Agent({ host, provider, approvals: new ToolApprovals({ allowTools: ['barrier'] }) }).send('go');
    expect(lastToolResults(llm.requests[1]!).map((r) => r.content)).toEqual(['together', 'together', 'together']);
  });

  it('two parallel calls of one server that both sample are each served, with the server known', async () => {
    const { llm, provider, host, desk } = await setup(protocolVersion, [{ toolCalls: [{ name: 'mem__ask' }, { name: 'mem__ask' }] }, { text: 'word' }, { text: 'word' }, { text: 'ok' }]);
    const asked: string[] = [];
    await new Agent({ host, provider, samplingDesk: desk, approvals: new ToolApprovals({ allowTools: ['ask'] }), approveSampling: async (r) => (asked.push(r.server), true) }).send('go');
    expect(lastToolResults(llm.requests[3]!).map((r) => r.content)).toEqual(['model: word', 'model: word']);
    expect(asked).toEqual(['mem', 'mem']);
  });
});
