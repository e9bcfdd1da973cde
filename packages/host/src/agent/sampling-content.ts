/**
 * A server's `sampling/createMessage` in the model's terms and back: text, images, and (spec 2025-11-25
 * client/sampling) the server's `tools` with `toolChoice`, `tool_use` blocks in assistant messages and
 * `tool_result` blocks in user messages. The tools are the server's: the model may ask for them, the server runs them.
 * @module
 */
import { type CreateMessageParams, type CreateMessageResult, type JsonObject, ProtocolError, ErrorCode } from '@mcpkit/protocol';
import type { ImagePart, ModelMessage, ModelPart, ModelRequest, ModelResponse, ModelTool, StopReason, TextPart } from '../providers/types.js';
import { PROVIDER_TOOL_NAME } from './catalogue.js';

const STOP: Partial<Record<StopReason, string>> = { end_turn: 'endTurn', max_tokens: 'maxTokens', stop_sequence: 'stopSequence', tool_use: 'toolUse' };

/** The server's tool names and the names the model sees (the same unless a provider would refuse one). */
export class SamplingToolNames {
  readonly #toModel = new Map<string, string>();
  readonly #toServer = new Map<string, string>();

  constructor(names: Iterable<string>) {
    const all = [...names];
    const taken = new Set(all.filter((n) => PROVIDER_TOOL_NAME.test(n)));
    for (const name of all) {
      let model = name;
      if (!PROVIDER_TOOL_NAME.test(name)) {
        const clean = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 60) || 'tool';
        model = clean;
        for (let i = 2; taken.has(model); i++) model = `${clean}_${i}`;
        taken.add(model);
      }
      this.#toModel.set(name, model);
      this.#toServer.set(model, name);
    }
  }

  /** The model's name for a server tool (a name the request did not offer is cleaned the same way). */
  toModel(name: string): string {
    return this.#toModel.get(name) ?? (PROVIDER_TOOL_NAME.test(name) ? name : name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tool');
  }

  /** The server's name for a name the model used (unknown names are passed on as they are: the server judges them). */
  toServer(name: string): string {
    return this.#toServer.get(name) ?? name;
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function image(block: JsonObject): ImagePart | TextPart {
  const data = str(block.data);
  const mimeType = str(block.mimeType);
  return data !== undefined && mimeType !== undefined ? { type: 'image', data, mimeType } : { type: 'text', text: '[image content without data or mimeType, not shown to this model]' };
}

/** A tool result's content blocks as text (and images); structured content only when there is no text. */
function resultParts(block: JsonObject): { text: string; images: ImagePart[] } {
  const texts: string[] = [];
  const images: ImagePart[] = [];
  const blocks = Array.isArray(block.content) ? (block.content as unknown[]) : [];
  for (const b of blocks) {
    const c = (b ?? {}) as JsonObject;
    if (c.type === 'text' && typeof c.text === 'string') texts.push(c.text);
    else if (c.type === 'image') {
      const part = image(c);
      if (part.type === 'image') images.push(part);
      else texts.push(part.text);
    } else if (c.type === 'resource' && typeof (c.resource as JsonObject | undefined)?.text === 'string') texts.push(String((c.resource as JsonObject).text));
    else texts.push(`[${String(c.type)} content, not shown to this model]`);
  }
  if (texts.length === 0 && block.structuredContent !== undefined) texts.push(JSON.stringify(block.structuredContent));
  return { text: texts.join('\n'), images };
}

function part(block: JsonObject, role: 'user' | 'assistant', names: SamplingToolNames, where: string): ModelPart {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: str(block.text) ?? '' };
    case 'image':
      return image(block);
    case 'tool_use': {
      const id = str(block.id);
      const name = str(block.name);
      const input = block.input;
      if (role !== 'assistant' || id === undefined || name === undefined || typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new ProtocolError(ErrorCode.InvalidParams, `Invalid params: ${where} is not a tool_use an assistant message can hold (id, name, input object)`);
      }
      return { type: 'tool_call', id, name: names.toModel(name), input: input as JsonObject };
    }
    case 'tool_result': {
      const callId = str(block.toolUseId);
      if (role !== 'user' || callId === undefined) throw new ProtocolError(ErrorCode.InvalidParams, `Invalid params: ${where} is not a tool_result a user message can hold (toolUseId)`);
      const { text, images } = resultParts(block);
      return { type: 'tool_result', callId, content: text, isError: block.isError === true, ...(images.length ? { images } : {}) };
    }
    default:
      return { type: 'text', text: `[${String(block.type)} content, not shown to this model]` };
  }
}

/**
 * The model request for a sampling request: messages with their text, images, tool uses and results; the server's
 * tools (under names every provider takes) and its `toolChoice`.
 * @throws ProtocolError -32602 for a tool without a name, or a tool_use / tool_result in the wrong place.
 */
export function samplingRequest(params: CreateMessageParams): { request: ModelRequest; names: SamplingToolNames } {
  const tools = Array.isArray(params.tools) ? params.tools : [];
  tools.forEach((t, i) => {
    if (typeof t?.name !== 'string' || t.name === '') throw new ProtocolError(ErrorCode.InvalidParams, `Invalid params: tools[${i}] has no name`);
  });
  const names = new SamplingToolNames(tools.map((t) => t.name));
  const messages: ModelMessage[] = params.messages.map((m, i) => {
    const role = m.role === 'assistant' ? 'assistant' : 'user';
    const blocks = Array.isArray(m.content) ? m.content : [m.content];
    return { role, content: blocks.map((b, j) => part((b ?? {}) as JsonObject, role, names, `messages[${i}].content[${j}]`)) };
  });
  const modelTools: ModelTool[] = tools.map((t) => {
    const schema: JsonObject = { ...(t.inputSchema as JsonObject | undefined) };
    if (schema.type !== 'object') schema.type = 'object';
    return { name: names.toModel(t.name), description: t.description ?? t.title ?? t.name, inputSchema: schema };
  });
  const mode = (params.toolChoice as { mode?: unknown } | undefined)?.mode;
  const request: ModelRequest = { messages, tools: modelTools, maxTokens: params.maxTokens };
  if (params.systemPrompt) request.system = params.systemPrompt;
  if (params.temperature !== undefined) request.temperature = params.temperature;
  if (params.stopSequences) request.stopSequences = params.stopSequences;
  if (modelTools.length > 0 && (mode === 'auto' || mode === 'required' || mode === 'none')) request.toolChoice = mode;
  return { request, names };
}

/**
 * The model's answer as a sampling result: one text block, or (when it asks for tools) text and `tool_use` blocks.
 * @throws ProtocolError -32603 when the model called a tool with arguments that are not a JSON object.
 */
export function samplingResult(response: ModelResponse, names: SamplingToolNames): CreateMessageResult {
  const text = response.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
  const calls = response.content.flatMap((p) => (p.type === 'tool_call' ? [p] : []));
  const stopReason = STOP[response.stopReason] ?? response.stopReason;
  if (calls.length === 0) return { role: 'assistant', content: { type: 'text', text }, model: response.model, stopReason };
  const content: JsonObject[] = text ? [{ type: 'text', text }] : [];
  for (const c of calls) {
    // A tool_use must carry an object; guessing one would have the server run its tool on arguments nobody gave.
    if (c.input === undefined) throw new ProtocolError(ErrorCode.InternalError, `The model called ${names.toServer(c.name)} with arguments that are not a JSON object: ${JSON.stringify((c.rawInput ?? '').slice(0, 200))}`);
    content.push({ type: 'tool_use', id: c.id, name: names.toServer(c.name), input: c.input });
  }
  return { role: 'assistant', content, model: response.model, stopReason: 'toolUse' };
}
