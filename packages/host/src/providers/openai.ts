/**
 * OpenAI Chat Completions (`POST …/chat/completions`) and every server that speaks it (Ollama, vLLM, LM Studio):
 * `tools` / `tool_calls` with string arguments, streamed deltas assembled by index, `[DONE]`.
 * @module
 */
import { HttpError, ProtocolViolationError } from '@mcpkit/protocol';
import { readSse } from '@mcpkit/client';
import { DEFAULT_RETRY, type IdleTimer, type RetryPolicy, exchange } from './http.js';
import { toolCall } from './json-args.js';
import { imageNote, takesImage } from './images.js';
import type { CompleteOptions, ImagePart, ModelMessage, ModelProvider, ModelRequest, ModelResponse, StopReason, TextPart, ToolCallPart } from './types.js';

export interface OpenAiProviderOptions {
  model?: string;
  /** Default: `OPENAI_API_KEY` from `env`; a local server may need none. */
  apiKey?: string;
  /** Default `https://api.openai.com/v1`; a bare origin (`http://127.0.0.1:11434`) gets `/v1`. */
  baseUrl?: string;
  stream?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Give up when the API sends nothing for this long (waiting for the answer, or between stream events). Default 5 min. */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
  env?: Record<string, string | undefined>;
}

export const DEFAULT_OPENAI_MODEL = 'gpt-4.1';
const OPENAI_BASE = 'https://api.openai.com/v1';

type UserPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };
type WireMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | UserPart[] }
  | { role: 'assistant'; content: string | null; tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }> }
  | { role: 'tool'; tool_call_id: string; content: string };

function toWire(system: string | undefined, messages: ModelMessage[]): WireMessage[] {
  const out: WireMessage[] = system ? [{ role: 'system', content: system }] : [];
  for (const m of messages) {
    if (m.role === 'assistant') {
      const text = m.content.flatMap((p) => (p.type === 'text' ? [p.text] : p.type === 'image' ? [imageNote(p, 'assistant')] : [])).join('');
      const calls = m.content.flatMap((p) =>
        p.type === 'tool_call' ? [{ id: p.id, type: 'function' as const, function: { name: p.name, arguments: p.rawInput ?? JSON.stringify(p.input ?? {}) } }] : [],
      );
      out.push({ role: 'assistant', content: text === '' && calls.length > 0 ? null : text, ...(calls.length ? { tool_calls: calls } : {}) });
      continue;
    }
    // Tool results are messages of their own and must come straight after the assistant's tool calls; a tool
    // message takes text only, so a result's images follow in the user message, named after their call.
    const parts: UserPart[] = [];
    for (const p of m.content) {
      if (p.type !== 'tool_result') continue;
      const images = p.images ?? [];
      const note = images.length ? `\n[${images.length} image${images.length === 1 ? '' : 's'} from this result follow in the next user message]` : '';
      out.push({ role: 'tool', tool_call_id: p.callId, content: `${p.isError ? 'Error: ' : ''}${p.content}${note}` });
      if (images.length) parts.push({ type: 'text', text: `Images returned by tool call ${p.callId}:` }, ...images.map(userPart));
    }
    for (const p of m.content) {
      if (p.type === 'text') parts.push({ type: 'text', text: p.text });
      else if (p.type === 'image') parts.push(userPart(p));
    }
    if (parts.length === 0) continue;
    // Plain text stays a string (what every compatible server takes); images need the list form.
    const plain = parts.every((p) => p.type === 'text');
    out.push({ role: 'user', content: plain ? parts.map((p) => (p as { text: string }).text).join('\n') : parts });
  }
  return out;
}

function userPart(p: ImagePart): UserPart {
  return takesImage(p, 'user') ? { type: 'image_url', image_url: { url: `data:${p.mimeType.toLowerCase()};base64,${p.data}` } } : { type: 'text', text: imageNote(p, 'user') };
}

function stopReason(value: unknown): StopReason {
  switch (value) {
    case 'stop':
      return 'end_turn';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'length':
      return 'max_tokens';
    case 'content_filter':
      return 'refusal';
    default:
      return 'other';
  }
}

interface WireCall {
  index?: number;
  id?: string;
  function?: { name?: string; arguments?: string };
}

/**
 * A {@link ModelProvider} for OpenAI Chat Completions and OpenAI-compatible servers.
 * @example
 * const local = new OpenAiProvider({ baseUrl: 'http://127.0.0.1:11434/v1', model: 'llama3.2', apiKey: 'ollama' });
 */
export class OpenAiProvider implements ModelProvider {
  readonly name = 'openai';
  readonly model: string;
  readonly #url: string;
  readonly #official: boolean;
  readonly #apiKey: string | undefined;
  readonly #stream: boolean;
  readonly #retry: RetryPolicy;
  readonly #idleMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: OpenAiProviderOptions = {}) {
    const env = options.env ?? process.env;
    this.model = options.model ?? DEFAULT_OPENAI_MODEL;
    let base = (options.baseUrl ?? env.OPENAI_BASE_URL ?? OPENAI_BASE).replace(/\/+$/, '');
    if (new URL(base).pathname === '/') base = `${base}/v1`;
    this.#official = base === OPENAI_BASE;
    this.#url = `${base}/chat/completions`;
    this.#apiKey = options.apiKey ?? env.OPENAI_API_KEY;
    this.#stream = options.stream ?? true;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#idleMs = options.idleTimeoutMs ?? 300_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    if (!this.#apiKey && this.#official) throw HttpError.from(401, 'No OpenAI API key: set OPENAI_API_KEY or pass apiKey');
    const body: Record<string, unknown> = { model: this.model, messages: toWire(request.system, request.messages), stream: this.#stream };
    // OpenAI's own API wants max_completion_tokens (reasoning models refuse max_tokens); compatible servers know max_tokens.
    body[this.#official ? 'max_completion_tokens' : 'max_tokens'] = request.maxTokens;
    if (this.#stream) body.stream_options = { include_usage: true };
    if (request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
      if (request.toolChoice) body.tool_choice = request.toolChoice;
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.stopSequences?.length) body.stop = request.stopSequences;
    const headers: Record<string, string> = { accept: this.#stream ? 'text/event-stream' : 'application/json' };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    const post = { signal: options.signal, idleMs: this.#idleMs, retry: this.#retry, fetch: this.#fetch, api: 'OpenAI', onRetry: options.onRetry };
    return exchange(this.#url, headers, body, post, async (response, idle) =>
      this.#stream ? this.#readStream(response, options, idle) : this.#readWhole(await response.json(), options),
    );
  }

  #readWhole(json: unknown, options: CompleteOptions): ModelResponse {
    const r = json as { model?: string; choices?: Array<{ message?: { content?: string | null; tool_calls?: WireCall[] }; finish_reason?: unknown }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
    const choice = r?.choices?.[0];
    if (!choice?.message) throw new ProtocolViolationError('OpenAI answered without choices[0].message');
    const content: Array<TextPart | ToolCallPart> = [];
    if (choice.message.content) {
      content.push({ type: 'text', text: choice.message.content });
      options.onText?.(choice.message.content);
    }
    for (const c of choice.message.tool_calls ?? []) content.push(toolCall(String(c.id), String(c.function?.name), c.function?.arguments ?? ''));
    return { content, stopReason: stopReason(choice.finish_reason), model: r.model ?? this.model, usage: { inputTokens: r.usage?.prompt_tokens ?? 0, outputTokens: r.usage?.completion_tokens ?? 0 } };
  }

  async #readStream(response: Response, options: CompleteOptions, idle: IdleTimer): Promise<ModelResponse> {
    if (!response.body) throw new ProtocolViolationError('OpenAI answered with no body');
    const text: string[] = [];
    // Tool calls arrive as deltas keyed by index: the first carries id and name, the rest pieces of arguments.
    const calls = new Map<number, { id: string; name: string; args: string[] }>();
    let model = this.model;
    let reason: StopReason = 'other';
    let finished = false;
    const usage = { inputTokens: 0, outputTokens: 0 };
    for await (const event of readSse(response.body)) {
      idle.touch();
      if (event.data === '[DONE]') {
        finished = true;
        break;
      }
      let chunk: { model?: string; choices?: Array<{ delta?: { content?: string | null; tool_calls?: WireCall[] }; finish_reason?: unknown }>; usage?: { prompt_tokens?: number; completion_tokens?: number } | null; error?: { message?: string } };
      try {
        chunk = JSON.parse(event.data) as typeof chunk;
      } catch {
        throw new ProtocolViolationError(`OpenAI sent a chunk that is not JSON: ${event.data.slice(0, 200)}`);
      }
      if (chunk.error) throw HttpError.from(500, `OpenAI stream failed: ${chunk.error.message ?? 'error'}`, event.data);
      if (typeof chunk.model === 'string' && chunk.model) model = chunk.model;
      if (chunk.usage) {
        usage.inputTokens = chunk.usage.prompt_tokens ?? usage.inputTokens;
        usage.outputTokens = chunk.usage.completion_tokens ?? usage.outputTokens;
      }
      const choice = chunk.choices?.[0];
      if (!choice) continue;
      const delta = choice.delta ?? {};
      if (typeof delta.content === 'string' && delta.content !== '') {
        text.push(delta.content);
        options.onText?.(delta.content);
      }
      for (const d of delta.tool_calls ?? []) {
        const index = d.index ?? calls.size;
        let call = calls.get(index);
        if (!call) calls.set(index, (call = { id: '', name: '', args: [] }));
        if (d.id) call.id = d.id;
        if (d.function?.name) call.name += d.function.name;
        if (d.function?.arguments) call.args.push(d.function.arguments);
      }
      if (choice.finish_reason) reason = stopReason(choice.finish_reason);
    }
    // Some compatible servers end the stream without [DONE]; a finish_reason is then enough.
    if (!finished && reason === 'other') throw HttpError.from(0, 'OpenAI stream ended before a finish_reason or [DONE]');
    const content: Array<TextPart | ToolCallPart> = [];
    if (text.length > 0) content.push({ type: 'text', text: text.join('') });
    for (const index of [...calls.keys()].sort((a, b) => a - b)) {
      const c = calls.get(index)!;
      content.push(toolCall(c.id || `call_${index}`, c.name, c.args.join('')));
    }
    // Compatible servers sometimes say "stop" while asking for tools; the calls are what matters.
    if (calls.size > 0 && reason !== 'tool_use' && reason !== 'max_tokens') reason = 'tool_use';
    return { content, stopReason: reason, model, usage };
  }
}
