/**
 * The script an {@link LlmDouble} plays: one entry per model request, with faults to inject.
 * @module
 */

/** A tool call the scripted model makes. */
export interface ScriptedToolCall {
  name: string;
  /** An object is sent as JSON; a string is sent exactly as written (to script invalid JSON). Default `{}`. */
  arguments?: Record<string, unknown> | string;
  /** Default: `toolu_double_N` / `call_double_N`. */
  id?: string;
}

/** One answer of the scripted model, or a fault in its place. */
export interface ScriptedReply {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** Default `tool_use` when there are tool calls, else `end_turn` (mapped to `tool_calls` / `stop` for OpenAI). */
  stopReason?: 'end_turn' | 'tool_use' | 'max_tokens';
  /** Answer with this HTTP status and an error body instead (e.g. 429, 529, 500); the entry is used up. */
  status?: number;
  /** The `retry-after` header sent with `status`. */
  retryAfter?: string;
  /** Stream the text, then fail: an Anthropic `error` event (`overloaded_error`), or a dropped OpenAI connection. */
  failAfterText?: boolean;
  /** Stream the text, then send nothing more and keep the connection open (for cancellation tests). */
  hang?: boolean;
  /** Characters per streamed delta (text and tool arguments). Default 3, which splits JSON at awkward places. */
  chunkSize?: number;
}

/** A request the double received, as sent. */
export interface RecordedRequest {
  api: 'anthropic' | 'openai';
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; loosely typed on purpose, for assertions on either wire format. */
  body: Record<string, any>;
}

/** A scripted turn: a fixed reply, or one computed from the request (to answer with what the tools returned). */
export type ScriptedTurn = ScriptedReply | ((request: RecordedRequest) => ScriptedReply);

/** The tool results in the last message of a request, in either wire format, as `{ id, content, isError }`. */
export function lastToolResults(request: RecordedRequest): Array<{ id: string; content: string; isError: boolean }> {
  const messages = (request.body.messages ?? []) as Array<Record<string, any>>;
  if (request.api === 'openai') {
    const out: Array<{ id: string; content: string; isError: boolean }> = [];
    for (let i = messages.length - 1; i >= 0 && (messages[i]!.role === 'tool' || messages[i]!.role === 'user'); i--) {
      const m = messages[i]!;
      if (m.role === 'tool') out.unshift({ id: String(m.tool_call_id), content: String(m.content), isError: String(m.content).startsWith('Error: ') });
    }
    return out;
  }
  const last = messages.at(-1);
  if (!last || last.role !== 'user' || !Array.isArray(last.content)) return [];
  return (last.content as Array<Record<string, any>>)
    .filter((b) => b.type === 'tool_result')
    .map((b) => ({ id: String(b.tool_use_id), content: typeof b.content === 'string' ? b.content : JSON.stringify(b.content), isError: b.is_error === true }));
}

/** The tool names offered in a request, in either wire format. */
export function offeredTools(request: RecordedRequest): string[] {
  const tools = (request.body.tools ?? []) as Array<Record<string, any>>;
  return tools.map((t) => String(request.api === 'openai' ? t.function?.name : t.name));
}
