/**
 * The provider-neutral conversation model the agent loop speaks; each provider maps it to its own wire format.
 * @module
 */
import type { JsonObject } from '@mcpkit/protocol';

/** Text from the user or the model. */
export interface TextPart {
  type: 'text';
  text: string;
}

/**
 * An image for the model, base64-encoded. Both APIs take `image/png`, `image/jpeg`, `image/gif` and `image/webp` in
 * user messages; other types, and images in assistant messages, are sent as a note naming what was left out.
 */
export interface ImagePart {
  type: 'image';
  /** Base64, without a `data:` prefix. */
  data: string;
  mimeType: string;
}

/** The model asks for a tool. `input` is absent when the model sent arguments that are not a JSON object. */
export interface ToolCallPart {
  type: 'tool_call';
  /** The provider's id for this call, echoed back with its result. */
  id: string;
  name: string;
  input: JsonObject | undefined;
  /** The arguments exactly as the model sent them, when they could not be read as a JSON object. */
  rawInput?: string;
}

/** The outcome of a tool call, sent back to the model. */
export interface ToolResultPart {
  type: 'tool_result';
  callId: string;
  content: string;
  isError: boolean;
  /** Images the tool returned besides its text (Anthropic takes them in the result; OpenAI in a user message after it). */
  images?: ImagePart[];
}

export type ModelPart = TextPart | ImagePart | ToolCallPart | ToolResultPart;

/** One message of the conversation. User messages carry text, images and tool results; assistant ones text and tool calls. */
export interface ModelMessage {
  role: 'user' | 'assistant';
  content: ModelPart[];
}

/** A tool as the model sees it; `name` must match `[A-Za-z0-9_-]{1,64}`. */
export interface ModelTool {
  name: string;
  description: string;
  inputSchema: JsonObject;
}

/** One request to the model. */
export interface ModelRequest {
  system?: string;
  messages: ModelMessage[];
  tools: ModelTool[];
  maxTokens: number;
  temperature?: number;
  stopSequences?: string[];
  /** Whether the model may (`auto`, the default), must (`required`) or must not (`none`) call one of `tools`. */
  toolChoice?: 'auto' | 'required' | 'none';
}

/** Why the model stopped: `tool_use` means it wants the tool calls in its content run. */
export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'other';

export interface ModelUsage {
  inputTokens: number;
  outputTokens: number;
}

/** What the model answered. */
export interface ModelResponse {
  content: Array<TextPart | ToolCallPart>;
  stopReason: StopReason;
  /** The model that answered, as the API names it. */
  model: string;
  usage: ModelUsage;
}

/** Per-request options. */
export interface CompleteOptions {
  /** Aborting cancels the request and the stream; the call rejects with `MCPKIT_CANCELLED`. */
  signal?: AbortSignal;
  /** Called with each piece of text as it streams in. */
  onText?: (delta: string) => void;
  /** Called before a retry, with the attempt about to start and the delay before it. */
  onRetry?: (info: { attempt: number; delayMs: number; status: number }) => void;
}

/** An LLM API. */
export interface ModelProvider {
  /** `anthropic` or `openai` (OpenAI-compatible servers included). */
  readonly name: string;
  readonly model: string;
  /**
   * Sends one request and resolves with the whole answer (streamed underneath unless the provider was made with
   * `stream: false`).
   * @throws HttpError `MCPKIT_HTTP_ERROR` when the API refuses (after retries) or the stream breaks;
   *   CancelledError `MCPKIT_CANCELLED` when `signal` aborts; ProtocolViolationError `MCPKIT_PROTOCOL_VIOLATION`
   *   for an answer that is not the wire format.
   */
  complete(request: ModelRequest, options?: CompleteOptions): Promise<ModelResponse>;
}
