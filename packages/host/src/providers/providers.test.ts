import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble } from '../testing/index.js';
import { AnthropicProvider } from './anthropic.js';
import { retryAfterMs } from './http.js';
import { OpenAiProvider } from './openai.js';
import type { ModelProvider, ModelRequest } from './types.js';

let llm: LlmDouble | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

const request: ModelRequest = {
  system: 'Be brief.',
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] }],
  tools: [{ name: 'weather__get_weather', description: 'Current weather', inputSchema: { type: 'object', properties: { city: { type: 'string' } } } }],
  maxTokens: 100,
};

const fast = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 5_000 };
const makers: Record<string, (llm: LlmDouble, stream?: boolean) => ModelProvider> = {
  anthropic: (d, stream = true) => new AnthropicProvider({ baseUrl: d.url, apiKey: 'sk-ant-test', model: 'claude-test', retry: fast, stream }),
  openai: (d, stream = true) => new OpenAiProvider({ baseUrl: d.openAiUrl, apiKey: 'sk-test', model: 'gpt-test', retry: fast, stream }),
};

describe.each(Object.keys(makers))('%s provider against the LLM double', (api) => {
  const make = makers[api]!;

  it.each([true, false])('assembles text and two tool calls whose JSON is split across deltas (stream: %s)', async (stream) => {
    const args = { city: 'São Paulo', note: 'quote " and \\ backslash, {braces}' };
    llm = await LlmDouble.start({ turns: [{ text: 'Let me look.', toolCalls: [{ name: 'weather__get_weather', arguments: args }, { name: 'weather__get_weather', arguments: { city: 'Oslo' } }], chunkSize: 2 }] });
    const deltas: string[] = [];
    const response = await make(llm, stream).complete(request, { onText: (d) => deltas.push(d) });
    expect(response.stopReason).toBe('tool_use');
    expect(response.content).toEqual([
      { type: 'text', text: 'Let me look.' },
      { type: 'tool_call', id: expect.any(String), name: 'weather__get_weather', input: args },
      { type: 'tool_call', id: expect.any(String), name: 'weather__get_weather', input: { city: 'Oslo' } },
    ]);
    expect(deltas.join('')).toBe('Let me look.');
    if (stream) expect(deltas.length).toBe(6);
    expect(response.usage).toEqual({ inputTokens: 25, outputTokens: 12 });
    expect(response.model).toBe(api === 'anthropic' ? 'claude-test' : 'gpt-test');
  });

  it('sends the wire format of its API, with the key in the right header', async () => {
    llm = await LlmDouble.start({ turns: [{ text: 'ok' }] });
    await make(llm).complete({
      ...request,
      messages: [
        ...request.messages,
        { role: 'assistant', content: [{ type: 'tool_call', id: 'c1', name: 'weather__get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', callId: 'c1', content: 'sunny', isError: false }] },
      ],
    });
    const [sent] = llm.requests;
    if (api === 'anthropic') {
      expect(sent!.path).toBe('/v1/messages');
      expect(sent!.headers['x-api-key']).toBe('sk-ant-test');
      expect(sent!.headers['anthropic-version']).toBe('2023-06-01');
      expect(sent!.body).toMatchObject({ model: 'claude-test', max_tokens: 100, system: 'Be brief.', stream: true, tools: [{ name: 'weather__get_weather', input_schema: request.tools[0]!.inputSchema }] });
      expect(sent!.body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'c1', name: 'weather__get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: 'sunny' }] },
      ]);
    } else {
      expect(sent!.path).toBe('/v1/chat/completions');
      expect(sent!.headers.authorization).toBe('Bearer sk-test');
      expect(sent!.body).toMatchObject({ model: 'gpt-test', max_tokens: 100, stream: true, tools: [{ type: 'function', function: { name: 'weather__get_weather', parameters: request.tools[0]!.inputSchema } }] });
      expect(sent!.body.messages).toEqual([
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'weather__get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ]);
    }
  });

  it('honours retry-after on a 429, then succeeds', async () => {
    llm = await LlmDouble.start({ turns: [{ status: 429, retryAfter: '1' }, { text: 'after the wait' }] });
    const retries: Array<{ attempt: number; delayMs: number; status: number }> = [];
    const started = Date.now();
    const response = await make(llm).complete(request, { onRetry: (r) => retries.push(r) });
    const elapsed = Date.now() - started;
    expect(response.content).toEqual([{ type: 'text', text: 'after the wait' }]);
    expect(retries).toEqual([{ attempt: 2, delayMs: 1000, status: 429 }]);
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(llm.requests).toHaveLength(2);
  });

  it('retries 529 and 500 with backoff, and gives up after maxAttempts with the API message', async () => {
    llm = await LlmDouble.start({ turns: [{ status: 529 }, { status: 500 }, { status: 503 }, { text: 'never reached' }] });
    const error = await make(llm).complete(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MCPKIT_HTTP_ERROR', status: 503 });
    expect((error as Error).message).toBe(`${api === 'anthropic' ? 'Anthropic' : 'OpenAI'} API answered HTTP 503 (after 3 attempts): scripted 503`);
    expect(llm.requests).toHaveLength(3);
  });

  it('does not retry a 400, and never puts the key in the error', async () => {
    llm = await LlmDouble.start({ turns: [{ status: 400 }, { text: 'never' }] });
    const error = (await make(llm).complete(request).catch((e: unknown) => e)) as Error & { status: number };
    expect(error.status).toBe(400);
    expect(llm.requests).toHaveLength(1);
    expect(JSON.stringify({ message: error.message, body: (error as { body?: string }).body })).not.toMatch(/sk-/);
  });

  it('an abort mid-stream cancels the request (MCPKIT_CANCELLED) and closes the stream', async () => {
    llm = await LlmDouble.start({ turns: [{ text: 'streaming forever', hang: true }] });
    const controller = new AbortController();
    const deltas: string[] = [];
    const pending = make(llm).complete(request, {
      signal: controller.signal,
      onText: (d) => {
        deltas.push(d);
        if (deltas.join('') === 'streaming forever') controller.abort(new Error('user pressed Ctrl-C'));
      },
    });
    await expect(pending).rejects.toMatchObject({ code: 'MCPKIT_CANCELLED' });
    expect(deltas.join('')).toBe('streaming forever');
  });

  it('a stream that goes silent is given up after idleTimeoutMs', async () => {
    llm = await LlmDouble.start({ turns: [{ text: 'then nothing', hang: true }] });
    const Provider = api === 'anthropic' ? AnthropicProvider : OpenAiProvider;
    const silent = new Provider({ baseUrl: api === 'anthropic' ? llm.url : llm.openAiUrl, apiKey: 'k', idleTimeoutMs: 300 });
    const started = Date.now();
    const error = await silent.complete(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MCPKIT_HTTP_ERROR', message: `${api === 'anthropic' ? 'Anthropic' : 'OpenAI'} API sent nothing for 0.3 s; gave up (idleTimeoutMs)` });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('a stream that fails after some text is an HTTP error, not a short answer', async () => {
    llm = await LlmDouble.start({ turns: [{ text: 'partial', failAfterText: true }] });
    const error = await make(llm).complete(request).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MCPKIT_HTTP_ERROR' });
    expect((error as Error).message).toMatch(api === 'anthropic' ? /overloaded_error/ : /stream/);
  });

  it('keeps invalid tool arguments raw instead of guessing', async () => {
    llm = await LlmDouble.start({ turns: [{ toolCalls: [{ name: 'weather__get_weather', arguments: '{"city": "Par' }] }] });
    const response = await make(llm).complete(request);
    if (api === 'openai') expect(response.content).toEqual([{ type: 'tool_call', id: expect.any(String), name: 'weather__get_weather', input: undefined, rawInput: '{"city": "Par' }]);
    // Anthropic's double streams the raw text too; the whole message is never valid JSON either.
    else expect(response.content[0]).toMatchObject({ type: 'tool_call', input: undefined, rawInput: '{"city": "Par' });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '150', 'retry-after': '2' }))).toBe(150);
    expect(retryAfterMs(new Headers({ 'retry-after': new Date(10_000).toUTCString() }), 4_000)).toBe(6000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }))).toBeUndefined();
  });
});

describe('base URLs', () => {
  it('an OpenAI-compatible origin gets /v1; an Anthropic base ending in /v1 gets /messages', async () => {
    llm = await LlmDouble.start({ turns: [{ text: 'a' }, { text: 'b' }] });
    await new OpenAiProvider({ baseUrl: llm.url, model: 'llama' }).complete(request);
    await new AnthropicProvider({ baseUrl: `${llm.url}/v1/`, apiKey: 'k' }).complete(request);
    expect(llm.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/messages']);
    expect(llm.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('Anthropic without a key fails before any request', async () => {
    await expect(new AnthropicProvider({ env: {} }).complete(request)).rejects.toMatchObject({ code: 'MCPKIT_HTTP_ERROR', status: 401 });
  });
});
