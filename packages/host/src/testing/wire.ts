/**
 * The wire frames of the double: Anthropic Messages events and OpenAI Chat Completions chunks for one reply.
 * @module
 */
import type { ScriptedReply, ScriptedToolCall } from './script.js';

function pieces(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function argsText(call: ScriptedToolCall): string {
  const a = call.arguments;
  return typeof a === 'string' ? a : JSON.stringify(a ?? {});
}

/** An SSE frame. */
export function frame(event: string | undefined, data: unknown): string {
  return `${event ? `event: ${event}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
}

const USAGE = { input: 25, output: 12 };

/** Anthropic events for a reply; when `failAfterText` or `hang`, only the ones up to the end of the text. */
export function anthropicEvents(reply: ScriptedReply, model: string, n: number): { frames: string[]; json: unknown } {
  const size = reply.chunkSize ?? 3;
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ id: c.id ?? `toolu_double_${n}_${i}`, name: c.name, args: argsText(c) }));
  const stop = reply.stopReason ?? (calls.length ? 'tool_use' : 'end_turn');
  const frames = [frame('message_start', { type: 'message_start', message: { id: `msg_double_${n}`, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: USAGE.input, output_tokens: 1 } } })];
  let index = 0;
  if (reply.text !== undefined) {
    frames.push(frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    frames.push(frame('ping', { type: 'ping' }));
    for (const p of pieces(reply.text, size)) frames.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } }));
    if (reply.failAfterText || reply.hang) return { frames, json: undefined };
    frames.push(frame('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  }
  for (const c of calls) {
    frames.push(frame('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: c.id, name: c.name, input: {} } }));
    // The API opens every tool input with an empty delta.
    frames.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const p of pieces(c.args, size)) frames.push(frame('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } }));
    frames.push(frame('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  }
  frames.push(frame('message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.output } }));
  frames.push(frame('message_stop', { type: 'message_stop' }));
  const content: unknown[] = [];
  if (reply.text !== undefined) content.push({ type: 'text', text: reply.text });
  for (const c of calls) content.push({ type: 'tool_use', id: c.id, name: c.name, input: safeParse(c.args) });
  const json = { id: `msg_double_${n}`, type: 'message', role: 'assistant', model, content, stop_reason: stop, stop_sequence: null, usage: { input_tokens: USAGE.input, output_tokens: USAGE.output } };
  return { frames, json };
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const FINISH = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length' } as const;

/** OpenAI chunks for a reply (without the final `[DONE]` when failing or hanging). */
export function openAiChunks(reply: ScriptedReply, model: string, n: number): { frames: string[]; json: unknown } {
  const size = reply.chunkSize ?? 3;
  const id = `chatcmpl-double-${n}`;
  const base = { id, object: 'chat.completion.chunk', created: 1_700_000_000, model };
  const calls = (reply.toolCalls ?? []).map((c, i) => ({ id: c.id ?? `call_double_${n}_${i}`, name: c.name, args: argsText(c) }));
  const finish = FINISH[reply.stopReason ?? (calls.length ? 'tool_use' : 'end_turn')];
  const chunk = (delta: unknown, finishReason: string | null = null) => frame(undefined, { ...base, choices: [{ index: 0, delta, finish_reason: finishReason }] });
  const frames = [chunk({ role: 'assistant', content: '' })];
  for (const p of pieces(reply.text ?? '', size)) frames.push(chunk({ content: p }));
  if (reply.failAfterText || reply.hang) return { frames, json: undefined };
  calls.forEach((c, index) => {
    frames.push(chunk({ tool_calls: [{ index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } }] }));
    for (const p of pieces(c.args, size)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: p } }] }));
  });
  frames.push(chunk({}, finish));
  frames.push(frame(undefined, { ...base, choices: [], usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output } }));
  frames.push('data: [DONE]\n\n');
  const message = {
    role: 'assistant',
    content: reply.text ?? null,
    ...(calls.length ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.args } })) } : {}),
  };
  const json = { id, object: 'chat.completion', created: 1_700_000_000, model, choices: [{ index: 0, message, finish_reason: finish }], usage: { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output } };
  return { frames, json };
}
