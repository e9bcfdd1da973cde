/**
 * The Anthropic Messages API (`POST /v1/messages`): tools, `tool_use` / `tool_result` blocks, and the streaming
 * events (`message_start`, `content_block_start|delta|stop` with `text_delta` and `input_json_delta`,
 * `message_delta`, `message_stop`, `error`).
 * @module
 */
import { HttpError, ProtocolViolationError } from '@mcpkit/protocol';
import { readSse } from '@mcpkit/client';
import { DEFAULT_RETRY, type IdleTimer, type RetryPolicy, exchange } from './http.js';
import { toolCall } from './json-args.js';
import { imageNote, takesImage } from './images.js';
import type { CompleteOptions, ImagePart, ModelMessage, ModelProvider, ModelRequest, ModelResponse, StopReason, TextPart, ToolCallPart } from './types.js';

export interface AnthropicProviderOptions {
  model?: string;
  /** Default: `ANTHROPIC_API_KEY` from `env`. */
  apiKey?: string;
  /** Default `https://api.anthropic.com` (`/v1/messages` is added; a base ending in `/v1` gets `/messages`). */
  baseUrl?: string;
  /** Stream the answer (default) or ask for it whole. */
  stream?: boolean;
  retry?: Partial<RetryPolicy>;
  /** Give up when the API sends nothing for this long (waiting for the answer, or between stream events). Default 5 min. */
  idleTimeoutMs?: number;
  fetch?: typeof fetch;
  env?: Record<string, string | undefined>;
  /** The `anthropic-version` header. Default `2023-06-01`. */
  version?: string;
}

export const DEFAULT_ANTHROPIC_MODEL = 'claude-sonnet-4-5';

type TextBlock = { type: 'text'; text: string };
type ImageBlock = { type: 'image'; source: { type: 'base64'; media_type: string; data: string } };
type Block =
  | TextBlock
  | ImageBlock
  | { type: 'tool_use'; id: string; name: string; input: unknown }
  | { type: 'tool_result'; tool_use_id: string; content: string | Array<TextBlock | ImageBlock>; is_error?: boolean };

function image(p: ImagePart, role: ModelMessage['role']): TextBlock | ImageBlock {
  return takesImage(p, role) ? { type: 'image', source: { type: 'base64', media_type: p.mimeType.toLowerCase(), data: p.data } } : { type: 'text', text: imageNote(p, role) };
}

function toWire(messages: ModelMessage[]): Array<{ role: string; content: Block[] }> {
  const out: Array<{ role: string; content: Block[] }> = [];
  for (const m of messages) {
    const content: Block[] = [];
    for (const p of m.content) {
      if (p.type === 'text') content.push({ type: 'text', text: p.text });
      else if (p.type === 'image') content.push(image(p, m.role));
      else if (p.type === 'tool_call') content.push({ type: 'tool_use', id: p.id, name: p.name, input: p.input ?? {} });
      else {
        // A result with images is a list of blocks; the API takes images inside tool_result.
        const body = p.images?.length ? [{ type: 'text' as const, text: p.content }, ...p.images.map((i) => image(i, 'user'))] : p.content;
        content.push({ type: 'tool_result', tool_use_id: p.callId, content: body, ...(p.isError ? { is_error: true } : {}) });
      }
    }
    // The API merges consecutive turns of one role anyway; doing it here keeps the request tidy.
    const last = out.at(-1);
    if (last && last.role === m.role) last.content.push(...content);
    else out.push({ role: m.role, content });
  }
  return out;
}

function stopReason(value: unknown): StopReason {
  switch (value) {
    case 'end_turn':
    case 'tool_use':
    case 'max_tokens':
    case 'stop_sequence':
    case 'refusal':
      return value;
    default:
      return 'other';
  }
}

interface WireBlock {
  type?: string;
  text?: string;
  id?: string;
  name?: string;
  input?: unknown;
}

interface WireUsage {
  input_tokens?: number;
  output_tokens?: number;
}

/** The fields of a streaming event this reader uses (every field optional: events are checked as read). */
interface StreamEvent {
  type?: string;
  index?: number;
  message?: { model?: unknown; usage?: WireUsage };
  content_block?: WireBlock;
  delta?: { type?: string; text?: unknown; partial_json?: unknown; stop_reason?: unknown };
  usage?: WireUsage;
  error?: { type?: unknown; message?: unknown };
}

function fromBlocks(blocks: WireBlock[]): Array<TextPart | ToolCallPart> {
  const out: Array<TextPart | ToolCallPart> = [];
  for (const b of blocks) {
    if (b.type === 'text' && typeof b.text === 'string') out.push({ type: 'text', text: b.text });
    else if (b.type === 'tool_use') out.push(toolCall(String(b.id), String(b.name), JSON.stringify(b.input ?? {})));
  }
  return out;
}

/**
 * A {@link ModelProvider} for Claude over the Anthropic Messages API.
 * @example
 * const provider = new AnthropicProvider({ model: 'claude-sonnet-4-5' }); // key from ANTHROPIC_API_KEY
 */
export class AnthropicProvider implements ModelProvider {
  readonly name = 'anthropic';
  readonly model: string;
  readonly #url: string;
  readonly #apiKey: string | undefined;
  readonly #stream: boolean;
  readonly #retry: RetryPolicy;
  readonly #idleMs: number;
  readonly #fetch: typeof fetch;
  readonly #version: string;

  constructor(options: AnthropicProviderOptions = {}) {
    const env = options.env ?? process.env;
    this.model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
    const base = (options.baseUrl ?? env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com').replace(/\/+$/, '');
    this.#url = /\/v1$/.test(base) ? `${base}/messages` : `${base}/v1/messages`;
    this.#apiKey = options.apiKey ?? env.ANTHROPIC_API_KEY;
    this.#stream = options.stream ?? true;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#idleMs = options.idleTimeoutMs ?? 300_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#version = options.version ?? '2023-06-01';
  }

  async complete(request: ModelRequest, options: CompleteOptions = {}): Promise<ModelResponse> {
    if (!this.#apiKey) throw HttpError.from(401, 'No Anthropic API key: set ANTHROPIC_API_KEY or pass apiKey');
    const body: Record<string, unknown> = {
      model: this.model,
      max_tokens: request.maxTokens,
      messages: toWire(request.messages),
      stream: this.#stream,
    };
    if (request.system) body.system = request.system;
    if (request.tools.length > 0) {
      body.tools = request.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
      if (request.toolChoice) body.tool_choice = { type: request.toolChoice === 'required' ? 'any' : request.toolChoice };
    }
    if (request.temperature !== undefined) body.temperature = request.temperature;
    if (request.stopSequences?.length) body.stop_sequences = request.stopSequences;
    const headers = { 'x-api-key': this.#apiKey, 'anthropic-version': this.#version, accept: this.#stream ? 'text/event-stream' : 'application/json' };
    const post = { signal: options.signal, idleMs: this.#idleMs, retry: this.#retry, fetch: this.#fetch, api: 'Anthropic', onRetry: options.onRetry };
    return exchange(this.#url, headers, body, post, async (response, idle) =>
      this.#stream ? this.#readStream(response, options, idle) : this.#readWhole(await response.json(), options),
    );
  }

  #readWhole(json: unknown, options: CompleteOptions): ModelResponse {
    const m = json as { content?: WireBlock[]; stop_reason?: unknown; model?: unknown; usage?: { input_tokens?: number; output_tokens?: number } };
    if (!Array.isArray(m?.content)) throw new ProtocolViolationError('Anthropic answered without a content array');
    const content = fromBlocks(m.content);
    for (const p of content) if (p.type === 'text') options.onText?.(p.text);
    return { content, stopReason: stopReason(m.stop_reason), model: typeof m.model === 'string' ? m.model : this.model, usage: { inputTokens: m.usage?.input_tokens ?? 0, outputTokens: m.usage?.output_tokens ?? 0 } };
  }

  async #readStream(response: Response, options: CompleteOptions, idle: IdleTimer): Promise<ModelResponse> {
    if (!response.body) throw new ProtocolViolationError('Anthropic answered with no body');
    // Blocks by index; tool input arrives as pieces of JSON text, joined once the block stops.
    const blocks = new Map<number, { kind: 'text'; text: string[] } | { kind: 'tool'; id: string; name: string; json: string[] }>();
    let model = this.model;
    let reason: StopReason = 'other';
    const usage = { inputTokens: 0, outputTokens: 0 };
    let stopped = false;
    for await (const event of readSse(response.body)) {
      idle.touch();
      if (event.event === 'ping') continue;
      let data: StreamEvent;
      try {
        data = JSON.parse(event.data) as StreamEvent;
      } catch {
        throw new ProtocolViolationError(`Anthropic sent an event that is not JSON: ${event.data.slice(0, 200)}`);
      }
      switch (data.type) {
        case 'message_start':
          if (typeof data.message?.model === 'string') model = data.message.model;
          usage.inputTokens = data.message?.usage?.input_tokens ?? 0;
          usage.outputTokens = data.message?.usage?.output_tokens ?? 0;
          break;
        case 'content_block_start': {
          const b = data.content_block;
          if (b?.type === 'text') {
            blocks.set(data.index ?? 0, { kind: 'text', text: b.text ? [b.text] : [] });
            if (b.text) options.onText?.(b.text);
          } else if (b?.type === 'tool_use') {
            blocks.set(data.index ?? 0, { kind: 'tool', id: String(b.id), name: String(b.name), json: [] });
          }
          break;
        }
        case 'content_block_delta': {
          const block = blocks.get(data.index ?? 0);
          const d = data.delta;
          if (block?.kind === 'text' && d?.type === 'text_delta' && typeof d.text === 'string') {
            block.text.push(d.text);
            options.onText?.(d.text);
          } else if (block?.kind === 'tool' && d?.type === 'input_json_delta' && typeof d.partial_json === 'string') {
            block.json.push(d.partial_json);
          }
          break;
        }
        case 'message_delta':
          if (data.delta?.stop_reason !== undefined) reason = stopReason(data.delta.stop_reason);
          if (typeof data.usage?.output_tokens === 'number') usage.outputTokens = data.usage.output_tokens;
          if (typeof data.usage?.input_tokens === 'number' && data.usage.input_tokens > 0) usage.inputTokens = data.usage.input_tokens;
          break;
        case 'message_stop':
          stopped = true;
          break;
        case 'error': {
          const kind = String(data.error?.type ?? 'error');
          const status = kind === 'overloaded_error' ? 529 : kind === 'rate_limit_error' ? 429 : 500;
          throw HttpError.from(status, `Anthropic stream failed: ${kind}: ${String(data.error?.message ?? '')}`, event.data);
        }
        default:
          // content_block_stop and event types added later carry nothing this loop needs.
          break;
      }
      if (stopped) break;
    }
    if (!stopped) throw HttpError.from(0, 'Anthropic stream ended before message_stop');
    const content: Array<TextPart | ToolCallPart> = [];
    for (const index of [...blocks.keys()].sort((a, b) => a - b)) {
      const b = blocks.get(index)!;
      if (b.kind === 'text') content.push({ type: 'text', text: b.text.join('') });
      else content.push(toolCall(b.id, b.name, b.json.join('')));
    }
    return { content, stopReason: reason, model, usage };
  }
}
