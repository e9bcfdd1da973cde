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

type Serve = NonNullable<ClientHandlers['sampling']>;

/**
 * Serves sampling for tool calls that cannot carry their own handlers: in the session era a Client routes a
 * server's request to a call's handlers only when one call with handlers is in flight, so when the agent runs
 * several calls on one server at once it gives them none, and this McpHost-wide handler serves them instead,
 * knowing the server from the calls in flight.
 */
export class SamplingDesk {
  readonly #open = new Map<string, { serve: Serve; count: number }>();

  /** Marks a call to `server` as in flight; returns the function that ends it. */
  enter(server: string, serve: Serve): () => void {
    const slot = this.#open.get(server) ?? { serve, count: 0 };
    slot.count++;
    this.#open.set(server, slot);
    return () => {
      if (--slot.count === 0) this.#open.delete(server);
    };
  }

  /** The McpHost-wide sampling handler. */
  readonly handler: Serve = (params, ctx) => {
    const servers = [...this.#open.keys()];
    // With calls to one server in flight the request is that server's; with several, none can be told apart.
    if (servers.length === 1) return this.#open.get(servers[0]!)!.serve(params, ctx);
    const why = servers.length === 0 ? 'no tool call is running' : `calls to ${servers.join(', ')} are running and the request could come from any`;
    throw new ProtocolError(USER_REJECTED, `Sampling declined: ${why}`);
  };
}

/**
 * Client options for an McpHost an {@link Agent} drives: declares sampling, which the agent serves on each tool
 * call (with the server known, for the approval prompt). Give the same {@link SamplingDesk} to the Agent.
 * @example
 * const desk = new SamplingDesk();
 * const host = new McpHost({ clientInfo, clientOptions: agentClientOptions({}, desk) });
 */
export function agentClientOptions(base: ClientOptions = {}, desk?: SamplingDesk): ClientOptions {
  const options: ClientOptions = { ...base, capabilities: { ...base.capabilities, sampling: base.capabilities?.sampling ?? {} } };
  if (desk) options.handlers = { ...base.handlers, sampling: desk.handler };
  return options;
}
