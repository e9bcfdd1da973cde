// Sampling served by the host's model (issue 11): images and the server's tools (spec 2025-11-25 client/sampling),
// through both providers' real wire formats against the LLM double, streamed and whole; and end to end, a server
// tool that samples with an image and runs its own tool loop, in both eras.
import { afterEach, describe, expect, it } from 'vitest';
import { type CreateMessageParams, type CreateMessageResult, InMemoryTransport, type JsonObject, ProtocolError } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { McpHost } from '../index.js';
import { LlmDouble, type RecordedRequest, type ScriptedTurn } from '../testing/index.js';
import { provider } from '../../test-support/agent.js';
import { AnthropicProvider } from '../providers/anthropic.js';
import { OpenAiProvider } from '../providers/openai.js';
import { Agent } from './agent.js';
import { ToolApprovals } from './approvals.js';
import { SamplingDesk, agentClientOptions, samplingHandler } from './sampling.js';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function double(turns: ScriptedTurn[]): Promise<LlmDouble> {
  const llm = await LlmDouble.start({ turns });
  cleanups.push(() => llm.close());
  return llm;
}

type Api = 'anthropic' | 'openai';
const modes = [
  ['anthropic', true],
  ['anthropic', false],
  ['openai', true],
  ['openai', false],
] as const;

function providerFor(api: Api, llm: LlmDouble, stream: boolean) {
  const retry = { maxAttempts: 1 };
  return api === 'anthropic'
    ? new AnthropicProvider({ baseUrl: llm.url, apiKey: 'k', model: 'claude-double', stream, retry })
    : new OpenAiProvider({ baseUrl: llm.openAiUrl, apiKey: 'k', model: 'gpt-double', stream, retry });
}

function sample(api: Api, llm: LlmDouble, params: CreateMessageParams, stream = true): Promise<CreateMessageResult> {
  const handler = samplingHandler(providerFor(api, llm, stream), async () => true, 'srv', 'stdio:["srv"]');
  return Promise.resolve(handler(params, { signal: new AbortController().signal, era: 'session' }));
}

const messages = (r: RecordedRequest) => r.body.messages as Array<Record<string, any>>;

const TOOLS = [
  { name: 'get_weather', description: 'Weather for a city', inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
  { name: 'geo.lookup', title: 'Look up a place', inputSchema: { type: 'object', properties: { q: { type: 'string' } } } },
];

describe.each(modes)('sampling with %s (stream: %s)', (api, stream) => {
  it('sends image content as the API’s image blocks and answers with the model’s text', async () => {
    const llm = await double([{ text: 'A single red pixel.' }]);
    const result = await sample(api, llm, {
      messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image', data: PNG, mimeType: 'image/png' }] }],
      maxTokens: 50,
      systemPrompt: 'Be brief.',
    }, stream);
    expect(result).toEqual({ role: 'assistant', content: { type: 'text', text: 'A single red pixel.' }, model: api === 'anthropic' ? 'claude-double' : 'gpt-double', stopReason: 'endTurn' });
    const sent = messages(llm.requests[0]!);
    if (api === 'anthropic') {
      expect(llm.requests[0]!.body.system).toBe('Be brief.');
      expect(sent).toEqual([{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }]);
    } else {
      expect(sent).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
      ]);
    }
    expect(llm.requests[0]!.body.tools).toBeUndefined();
  });

  it('offers the server’s tools with its toolChoice and returns the model’s tool_use blocks under the server’s names', async () => {
    const llm = await double([{ text: 'Let me look.', toolCalls: [{ name: 'geo_lookup', arguments: { q: 'Paris' }, id: 'call_1' }] }]);
    const result = await sample(api, llm, {
      messages: [{ role: 'user', content: { type: 'text', text: 'Where is Paris?' } }],
      maxTokens: 100,
      tools: TOOLS,
      toolChoice: { mode: 'required' },
    }, stream);
    expect(result.stopReason).toBe('toolUse');
    expect(result.content).toEqual([{ type: 'text', text: 'Let me look.' }, { type: 'tool_use', id: 'call_1', name: 'geo.lookup', input: { q: 'Paris' } }]);
    const body = llm.requests[0]!.body;
    if (api === 'anthropic') {
      expect(body.tools).toEqual([
        { name: 'get_weather', description: 'Weather for a city', input_schema: TOOLS[0]!.inputSchema },
        { name: 'geo_lookup', description: 'Look up a place', input_schema: TOOLS[1]!.inputSchema },
      ]);
      expect(body.tool_choice).toEqual({ type: 'any' });
    } else {
      expect(body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual(['get_weather', 'geo_lookup']);
      expect(body.tool_choice).toBe('required');
    }
  });

  it('sends tool_use and tool_result blocks (with an image in the result) back as the API’s own', async () => {
    const llm = await double([{ text: 'Paris is at 48.86, 2.35.' }]);
    const result = await sample(api, llm, {
      messages: [
        { role: 'user', content: { type: 'text', text: 'Where is Paris?' } },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'geo.lookup', input: { q: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', toolUseId: 'call_1', content: [{ type: 'text', text: '48.86,2.35' }, { type: 'image', data: PNG, mimeType: 'image/png' }] }] },
      ],
      maxTokens: 100,
      tools: TOOLS,
      toolChoice: { mode: 'none' },
    }, stream);
    expect(result.content).toEqual({ type: 'text', text: 'Paris is at 48.86, 2.35.' });
    const sent = messages(llm.requests[0]!);
    if (api === 'anthropic') {
      expect(sent.slice(1)).toEqual([
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_1', name: 'geo_lookup', input: { q: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_1', content: [{ type: 'text', text: '48.86,2.35' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] }] },
      ]);
      expect(llm.requests[0]!.body.tool_choice).toEqual({ type: 'none' });
    } else {
      expect(sent.slice(1)).toEqual([
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'geo_lookup', arguments: '{"q":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '48.86,2.35\n[1 image from this result follow in the next user message]' },
        { role: 'user', content: [{ type: 'text', text: 'Images returned by tool call call_1:' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
      ]);
      expect(llm.requests[0]!.body.tool_choice).toBe('none');
    }
  });
});

describe('sampling: what the APIs cannot take, and bad requests', () => {
  it.each(['anthropic', 'openai'] as const)('%s: an image type the API does not take, and an image from the assistant, become notes', async (api) => {
    const llm = await double([{ text: 'ok' }]);
    await sample(api, llm, {
      messages: [
        { role: 'user', content: { type: 'image', data: 'Qk0=', mimeType: 'image/bmp' } },
        { role: 'assistant', content: { type: 'image', data: PNG, mimeType: 'image/png' } },
        { role: 'user', content: { type: 'audio', data: 'UklG', mimeType: 'audio/wav' } },
      ],
      maxTokens: 10,
    });
    const text = JSON.stringify(messages(llm.requests[0]!));
    expect(text).toContain('[image/bmp image not shown to the model: the model API does not take this type]');
    expect(text).toContain('[image/png image not shown to the model: images from the assistant cannot be sent back]');
    expect(text).toContain('[audio content, not shown to this model]');
    expect(text).not.toContain('Qk0=');
  });

  it('refuses tool content in the wrong place or a nameless tool before asking anyone; a model’s unreadable arguments are an error', async () => {
    const llm = await double([{ toolCalls: [{ name: 'get_weather', arguments: '{"city": "Par' }] }]);
    let asked = 0;
    const handler = samplingHandler(providerFor('anthropic', llm, true), async () => (asked++, true), 'srv', 'id');
    const ctx = { signal: new AbortController().signal, era: 'session' as const };
    const bad: Array<[CreateMessageParams, RegExp]> = [
      [{ messages: [{ role: 'user', content: { type: 'tool_use', id: 'x', name: 'get_weather', input: {} } }], maxTokens: 5 }, /messages\[0\]\.content\[0\] is not a tool_use an assistant message can hold/],
      [{ messages: [{ role: 'assistant', content: { type: 'tool_result', content: [] } }], maxTokens: 5 }, /messages\[0\]\.content\[0\] is not a tool_result a user message can hold/],
      [{ messages: [], maxTokens: 5, tools: [{ inputSchema: { type: 'object' } } as unknown as (typeof TOOLS)[0]] }, /tools\[0\] has no name/],
    ];
    for (const [params, message] of bad) {
      const error = await Promise.resolve(handler(params, ctx)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtocolError);
      expect(error).toMatchObject({ code: -32602, message: expect.stringMatching(message) });
    }
    expect(asked).toBe(0);
    expect(llm.requests).toHaveLength(0);
    const error = await Promise.resolve(handler({ messages: [{ role: 'user', content: { type: 'text', text: 'Weather?' } }], maxTokens: 5, tools: TOOLS }, ctx)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: -32603, message: 'The model called get_weather with arguments that are not a JSON object: "{\\"city\\": \\"Par"' });
  });
});

describe.each(['2025-11-25', '2026-07-28'])('a server’s own tool loop over sampling, %s', (protocolVersion) => {
  it('a tool samples with an image and its tools; the host’s model asks for one, the server runs it, the model answers', { timeout: 30_000 }, async () => {
    const server = new McpServer({ name: 'vision', version: '1.0.0' });
    const seen: JsonObject[] = [];
    server.tool('describe_image', { description: 'Describes an image with the client’s model' }, async (_args, ctx) => {
      const history: CreateMessageParams['messages'] = [{ role: 'user', content: [{ type: 'text', text: 'Where was this taken?' }, { type: 'image', data: PNG, mimeType: 'image/png' }] }];
      for (let round = 0; round < 3; round++) {
        const r = await ctx.sample({ messages: history, maxTokens: 100, tools: [TOOLS[1]!] as CreateMessageParams['tools'], toolChoice: { mode: 'auto' } });
        seen.push(r as unknown as JsonObject);
        const blocks = (Array.isArray(r.content) ? r.content : [r.content]) as JsonObject[];
        const uses = blocks.filter((b) => b.type === 'tool_use');
        if (uses.length === 0) return { content: [{ type: 'text', text: String(blocks[0]?.text) }] };
        history.push({ role: 'assistant', content: blocks });
        history.push({ role: 'user', content: uses.map((u) => ({ type: 'tool_result', toolUseId: u.id, content: [{ type: 'text', text: `${String((u.input as JsonObject).q)}: 48.86,2.35` }] })) });
      }
      return { isError: true, content: [{ type: 'text', text: 'too many rounds' }] };
    });
    const llm = await double([
      { toolCalls: [{ name: 'vision__describe_image' }] },
      { toolCalls: [{ name: 'geo_lookup', arguments: { q: 'Eiffel Tower' } }] },
      { text: 'Paris, by the Eiffel Tower.' },
      (req) => ({ text: `Done: ${JSON.stringify(req.body.messages).includes('Paris, by the Eiffel Tower.')}` }),
    ]);
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
    host.add({ name: 'vision', transport: 'stdio', command: 'in-process', args: [], env: {} });
    cleanups.push(() => host.close());
    expect((await host.connectAll()).vision?.state).toBe('connected');
    const approved: CreateMessageParams[] = [];
    const agent = new Agent({
      host,
      provider: provider('anthropic', llm),
      samplingDesk: desk,
      approvals: new ToolApprovals({ allowTools: ['describe_image'] }),
      approveSampling: async (r) => (approved.push(r.params), true),
    });
    const turn = await agent.send('Where is this photo from?');
    expect(turn.text).toBe('Done: true');
    expect(approved).toHaveLength(2);
    // In the 2026-07-28 era the handler runs again from the top after each input round, seeing earlier answers again.
    expect([...new Set(seen.map((r) => r.stopReason))]).toEqual(['toolUse', 'endTurn']);
    expect(llm.requests).toHaveLength(4);
    // The second sampling request carried the tool_use and the server's tool_result to the model.
    const second = messages(llm.requests[2]!);
    expect(second.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(second[0]!.content[1]).toEqual({ type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } });
    expect(second[1]!.content).toEqual([{ type: 'tool_use', id: expect.any(String), name: 'geo_lookup', input: { q: 'Eiffel Tower' } }]);
    expect(second[2]!.content).toEqual([{ type: 'tool_result', tool_use_id: second[1]!.content[0].id, content: 'Eiffel Tower: 48.86,2.35' }]);
  });
});
