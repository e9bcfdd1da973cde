/**
 * Serves a server's `sampling/createMessage` with the host's own model, once a human (or a policy) approves it.
 * @module
 */
import type { ClientHandlers, ClientOptions } from '@mcpkit/client';
import { type CreateMessageParams, type CreateMessageResult, ProtocolError } from '@mcpkit/protocol';
import type { ModelProvider } from '../providers/types.js';
import { samplingRequest, samplingResult } from './sampling-content.js';

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

/**
 * A sampling handler for one server: asks `approve`, then runs the request on `provider`: text and images, and the
 * server's own tools (`tools`, `toolChoice`, `tool_use` / `tool_result` blocks, spec 2025-11-25).
 * @throws ProtocolError code -1 when the request is declined (sent back to the server); -32602 for tool content
 *   in the wrong place; -32603 when the model called a tool with arguments that are not a JSON object.
 */
export function samplingHandler(provider: ModelProvider, approve: ApproveSampling | undefined, server: string, identity: string): NonNullable<ClientHandlers['sampling']> {
  return async (params, ctx): Promise<CreateMessageResult> => {
    // Read before asking: a malformed request is refused without troubling the user.
    const { request, names } = samplingRequest(params);
    const ok = approve ? await approve({ server, identity, params }) : false;
    if (!ok) throw new ProtocolError(USER_REJECTED, `The user declined the sampling request from ${server}`);
    return samplingResult(await provider.complete(request, { signal: ctx.signal }), names);
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
 * Client options for an McpHost an {@link Agent} drives: declares sampling (with tools), which the agent serves on each tool
 * call (with the server known, for the approval prompt). Give the same {@link SamplingDesk} to the Agent.
 * @example
 * const desk = new SamplingDesk();
 * const host = new McpHost({ clientInfo, clientOptions: agentClientOptions({}, desk) });
 */
export function agentClientOptions(base: ClientOptions = {}, desk?: SamplingDesk): ClientOptions {
  // `tools`: servers may offer their tools to the model (spec 2025-11-25 client/sampling "Tools in Sampling").
  const options: ClientOptions = { ...base, capabilities: { ...base.capabilities, sampling: base.capabilities?.sampling ?? { tools: {} } } };
  if (desk) options.handlers = { ...base.handlers, sampling: desk.handler };
  return options;
}
