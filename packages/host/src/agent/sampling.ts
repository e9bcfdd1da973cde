/**
 * Serves a server's `sampling/createMessage` with the host's own model, once a human (or a policy) approves it.
 * @module
 */
import type { ClientHandlers, ClientOptions } from '@mcpkit/client';
import { type CreateMessageParams, type CreateMessageResult, type JsonObject, ProtocolError } from '@mcpkit/protocol';
import type { ModelMessage, ModelProvider, StopReason } from '../providers/types.js';

/** What the human sees before a server's sampling request goes to the model. */
export interface SamplingApprovalRequest {
  server: string;
  identity: string;
  params: CreateMessageParams;
}

/** Answers whether a sampling request may be sent to the model; `false` declines it. */
export type ApproveSampling = (request: SamplingApprovalRequest) => Promise<boolean>;

// spec 2025-11-25 client/sampling: a request the user rejected is answered with error code -1.
const USER_REJECTED = -1;

function partsText(content: JsonObject | JsonObject[]): string {
  const blocks = Array.isArray(content) ? content : [content];
  return blocks.map((b) => (b.type === 'text' && typeof b.text === 'string' ? b.text : `[${String(b.type)} content, not shown to this model]`)).join('\n');
}

const STOP: Partial<Record<StopReason, string>> = { end_turn: 'endTurn', max_tokens: 'maxTokens', stop_sequence: 'stopSequence', tool_use: 'toolUse' };

/** The sampling messages as a neutral conversation (text only; other content is named, not sent). */
export function samplingMessages(params: CreateMessageParams): ModelMessage[] {
  return params.messages.map((m) => ({ role: m.role === 'assistant' ? 'assistant' : 'user', content: [{ type: 'text', text: partsText(m.content) }] }));
}

/**
 * A sampling handler for one server: asks `approve`, then runs the request on `provider`.
 * @throws ProtocolError code -1 when the request is declined (sent back to the server).
 */
export function samplingHandler(provider: ModelProvider, approve: ApproveSampling | undefined, server: string, identity: string): NonNullable<ClientHandlers['sampling']> {
  return async (params, ctx): Promise<CreateMessageResult> => {
    const ok = approve ? await approve({ server, identity, params }) : false;
    if (!ok) throw new ProtocolError(USER_REJECTED, `The user declined the sampling request from ${server}`);
    const response = await provider.complete(
      { messages: samplingMessages(params), tools: [], maxTokens: params.maxTokens, ...(params.systemPrompt ? { system: params.systemPrompt } : {}), ...(params.temperature !== undefined ? { temperature: params.temperature } : {}), ...(params.stopSequences ? { stopSequences: params.stopSequences } : {}) },
      { signal: ctx.signal },
    );
    const text = response.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
    return { role: 'assistant', content: { type: 'text', text }, model: response.model, stopReason: STOP[response.stopReason] ?? response.stopReason };
  };
}

/**
 * Client options for an McpHost an {@link Agent} drives: declares sampling, which the agent serves on each tool
 * call (with the server known, for the approval prompt).
 * @example
 * const host = new McpHost({ clientInfo, clientOptions: agentClientOptions() });
 */
export function agentClientOptions(base: ClientOptions = {}): ClientOptions {
  return { ...base, capabilities: { ...base.capabilities, sampling: base.capabilities?.sampling ?? {} } };
}
