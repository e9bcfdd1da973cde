/**
 * The agent loop: the model sees the host's tools, asks for calls, each call is approved (or refused) and run on
 * its server, results go back, and the loop repeats until the model answers or the cap on tool calls is reached.
 * @module
 */
import type { CallOptions, ClientHandlers } from '@mcpkit/client';
import { CancelledError, type CallToolResult } from '@mcpkit/protocol';
import type { ModelMessage, ModelPart, ModelProvider, ModelResponse, ModelUsage, StopReason, ToolCallPart, ToolResultPart } from '../providers/types.js';
import { ToolApprovals, serverIdentity } from './approvals.js';
import { type AgentHost, type CatalogueEntry, toolCatalogue } from './catalogue.js';
import { resourceMentions } from './mentions.js';
import { type ApproveSampling, type SamplingDesk, samplingHandler } from './sampling.js';
import { resultForModel, truncate } from './tool-output.js';
import { ToolSearch, type ToolSearchOptions } from './tool-search.js';

/** How an {@link Agent} runs. */
export interface AgentOptions {
  /** An McpHost, or anything with its catalogue and call methods (a transcript replay). */
  host: AgentHost;
  provider: ModelProvider;
  /** Who may run which tool. Default: non-interactive with nothing allowed, so every call is refused. */
  approvals?: ToolApprovals;
  /**
   * What servers may ask for while their tools run, besides sampling (which the agent serves): roots, elicitation.
   * A tool call's own handlers replace the Client's, so give here the ones the McpHost's `clientOptions` have.
   */
  handlers?: Omit<ClientHandlers, 'sampling'>;
  /**
   * The desk given to the McpHost's `agentClientOptions`: it serves sampling for several calls to one server at
   * once, which per-call handlers cannot in the session era. Without it such calls run without per-call handlers.
   */
  samplingDesk?: SamplingDesk;
  /** Approves a server's sampling request before the host's model serves it. Default: every request declined. */
  approveSampling?: ApproveSampling;
  system?: string;
  /** Per model request. Default 4096. */
  maxTokens?: number;
  /**
   * Tool calls per user message, refused ones included; calls past it are refused and the model is asked to
   * answer without tools. Default 25.
   */
  maxToolCallsPerTurn?: number;
  /** Characters of one tool result sent to the model; the rest is cut with a note. Default 20 000. */
  maxResultChars?: number;
  /**
   * Bytes of images (PNG, JPEG, GIF, WebP) one tool result may show the model; the rest are described in its text.
   * Default 5 MB; 0 describes every image instead.
   */
  maxResultImageBytes?: number;
  /** Time one tool call may take. Default: the Client's (60 s, restarted by progress). */
  toolTimeoutMs?: number;
  /** Sees what happens as it happens (streamed text, tool calls and results, retries). */
  onEvent?: (event: AgentEvent) => void;
  /**
   * When the catalogue is too big to send whole, the model gets a `search_tools` tool and the tools it found
   * instead (see {@link ToolSearchOptions}); `false` always sends every tool. On by default.
   */
  toolSearch?: ToolSearchOptions | false;
  /** Attach the resources a user message names as `@server:uri`. Default true. */
  mentions?: boolean;
}

/** What an {@link Agent} reports while it runs. */
export type AgentEvent =
  | { type: 'text'; delta: string }
  | { type: 'model'; response: ModelResponse }
  | { type: 'retry'; attempt: number; delayMs: number; status: number }
  | { type: 'tool_call'; id: string; name: string; server: string | undefined; arguments: unknown }
  | { type: 'tool_result'; id: string; name: string; isError: boolean; content: string; truncated: boolean; ran: boolean };

/** The outcome of one user message. */
export interface AgentTurn {
  /** The model's final text (its last answer's text parts, joined). */
  text: string;
  /** `tool_limit` when the loop stopped because the model kept asking for tools past the cap. */
  stopReason: StopReason | 'tool_limit';
  /** Tool calls run (approved and executed) in this turn. */
  toolCalls: number;
  /** The messages this turn added to the transcript, the user's included. */
  messages: ModelMessage[];
  usage: ModelUsage;
}

const DEFAULTS = { maxTokens: 4096, maxToolCallsPerTurn: 25, maxResultChars: 20_000, maxResultImageBytes: 5_000_000 };

/**
 * A conversation with a model over an McpHost's tools.
 * @example
 * const agent = new Agent({ host, provider: new AnthropicProvider(), approvals: new ToolApprovals({ allowTools: ['weather__get_weather'] }) });
 * const turn = await agent.send('What is the weather in Paris?');
 * console.log(turn.text);
 */
export class Agent {
  /** The whole conversation so far, in the neutral format. */
  readonly transcript: ModelMessage[] = [];
  readonly #o: AgentOptions;
  readonly #approvals: ToolApprovals;
  readonly #search: ToolSearch | undefined;

  constructor(options: AgentOptions) {
    this.#o = options;
    this.#approvals = options.approvals ?? new ToolApprovals();
    this.#search = options.toolSearch === false ? undefined : new ToolSearch(options.toolSearch);
  }

  /**
   * Sends a user message and runs the loop until the model answers.
   * @throws CancelledError `MCPKIT_CANCELLED` when `signal` aborts (the model stream and tool calls are cancelled,
   *   servers get `notifications/cancelled`); HttpError `MCPKIT_HTTP_ERROR` when the model API fails after retries.
   */
  async send(prompt: string | ModelPart[], options: { signal?: AbortSignal } = {}): Promise<AgentTurn> {
    const { signal } = options;
    const start = this.transcript.length;
    const maxChars = this.#o.maxResultChars ?? DEFAULTS.maxResultChars;
    const mentioned = typeof prompt === 'string' && this.#o.mentions !== false ? await resourceMentions(this.#o.host, prompt, maxChars, signal) : [];
    this.#push({ role: 'user', content: typeof prompt === 'string' ? [{ type: 'text', text: prompt }, ...mentioned] : prompt });
    const cap = this.#o.maxToolCallsPerTurn ?? DEFAULTS.maxToolCallsPerTurn;
    const usage = { inputTokens: 0, outputTokens: 0 };
    let ran = 0;
    // Every call the model asks for counts toward the cap, refused ones too: a model that keeps asking for an
    // unknown tool or sends bad arguments must not loop forever.
    let asked = 0;
    let overCap = false;
    for (;;) {
      const catalogue = toolCatalogue(this.#o.host);
      const response = await this.#o.provider.complete(
        { system: this.#o.system, messages: this.transcript, tools: this.#search ? this.#search.offered(catalogue) : [...catalogue.values()].map((e) => e.model), maxTokens: this.#o.maxTokens ?? DEFAULTS.maxTokens },
        { signal, onText: (delta) => this.#emit({ type: 'text', delta }), onRetry: (r) => this.#emit({ type: 'retry', ...r }) },
      );
      usage.inputTokens += response.usage.inputTokens;
      usage.outputTokens += response.usage.outputTokens;
      this.#emit({ type: 'model', response });
      // An empty answer is left out: the APIs refuse an assistant message with no content on the next request.
      if (response.content.length > 0) this.#push({ role: 'assistant', content: response.content });
      const calls = response.content.filter((p): p is ToolCallPart => p.type === 'tool_call');
      const text = response.content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
      const done = (stopReason: AgentTurn['stopReason']): AgentTurn => ({ text, stopReason, toolCalls: ran, messages: this.transcript.slice(start), usage });
      if (calls.length === 0) return done(response.stopReason);
      if (overCap) {
        // Told once already that the cap was reached, it asked again: refuse these and end the turn here.
        this.#push({ role: 'user', content: calls.map((c) => refused(c, `Not run: the limit of ${cap} tool calls for this message was reached.`)) });
        return done('tool_limit');
      }
      const room = Math.max(0, cap - asked);
      const results = await this.#runCalls(calls.slice(0, room), catalogue, signal);
      asked += Math.min(room, calls.length);
      ran += results.filter((r) => r.ran).length;
      const parts: ModelPart[] = results.map((r) => r.part);
      if (calls.length > room) {
        overCap = true;
        for (const c of calls.slice(room)) {
          const part = refused(c, `Not run: the limit of ${cap} tool calls for this message was reached. Answer the user with what you have, without calling tools.`);
          this.#emit({ type: 'tool_result', id: c.id, name: c.name, isError: true, content: part.content, truncated: false, ran: false });
          parts.push(part);
        }
      }
      this.#push({ role: 'user', content: parts });
    }
  }

  /** Approves the calls one by one (a human answers one question at a time), then runs the approved ones in parallel. */
  async #runCalls(calls: ToolCallPart[], catalogue: Map<string, CatalogueEntry>, signal: AbortSignal | undefined): Promise<Array<{ part: ToolResultPart; ran: boolean }>> {
    const plans: Array<(() => Promise<{ part: ToolResultPart; ran: boolean }>) | { part: ToolResultPart; ran: boolean }> = [];
    const searchName = this.#search?.active(catalogue) ? this.#search.nameIn(catalogue) : undefined;
    /** Approved calls per server: a server with several in flight gets the Client's handlers, not per-call ones. */
    const perServer = new Map<string, number>();
    for (const call of calls) {
      const entry = catalogue.get(call.name);
      this.#emit({ type: 'tool_call', id: call.id, name: call.name, server: entry?.host.server, arguments: call.input ?? call.rawInput });
      if (call.name === searchName && this.#search) {
        // The host's own tool: nothing reaches a server, so there is nothing to approve.
        const content = this.#search.search(catalogue, String(call.input?.query ?? ''));
        this.#emit({ type: 'tool_result', id: call.id, name: call.name, isError: false, content, truncated: false, ran: true });
        plans.push({ part: { type: 'tool_result', callId: call.id, content, isError: false }, ran: true });
        continue;
      }
      if (!entry) {
        const names = [...catalogue.keys()];
        plans.push(this.#refuse(call, `There is no tool named ${JSON.stringify(call.name)}. The tools are: ${names.join(', ') || '(none)'}.`));
        continue;
      }
      if (call.input === undefined) {
        plans.push(this.#refuse(call, `The arguments are not a JSON object: ${JSON.stringify((call.rawInput ?? '').slice(0, 200))}. Call the tool again with a JSON object that fits its input schema.`));
        continue;
      }
      if (signal?.aborted) throw new CancelledError('The conversation was cancelled', { cause: signal.reason });
      const identity = serverIdentity(this.#o.host.config(entry.host.server), entry.host.server);
      const verdict = await this.#approvals.decide({ name: call.name, server: entry.host.server, tool: entry.host.originalName, identity, arguments: call.input, annotations: entry.host.tool.annotations, definition: entry.host.tool });
      if (!verdict.allowed) {
        plans.push(this.#refuse(call, verdict.reason));
        continue;
      }
      const input = call.input;
      perServer.set(entry.host.server, (perServer.get(entry.host.server) ?? 0) + 1);
      plans.push(() => this.#execute(call, entry, input, identity, (perServer.get(entry.host.server) ?? 0) > 1, signal));
    }
    return Promise.all(plans.map((p) => (typeof p === 'function' ? p() : p)));
  }

  #refuse(call: ToolCallPart, reason: string): { part: ToolResultPart; ran: boolean } {
    this.#emit({ type: 'tool_result', id: call.id, name: call.name, isError: true, content: reason, truncated: false, ran: false });
    return { part: refused(call, reason), ran: false };
  }

  async #execute(call: ToolCallPart, entry: CatalogueEntry, input: NonNullable<ToolCallPart['input']>, identity: string, shared: boolean, signal: AbortSignal | undefined): Promise<{ part: ToolResultPart; ran: boolean }> {
    const sampling = samplingHandler(this.#o.provider, this.#o.approveSampling, entry.host.server, identity);
    // Session era: a Client refuses to route a server's request when two calls with their own handlers are in
    // flight, so calls sharing a server go without and the desk serves their sampling.
    const leave = shared ? this.#o.samplingDesk?.enter(entry.host.server, sampling) : undefined;
    const options: CallOptions = { signal, ...(shared ? {} : { handlers: { ...this.#o.handlers, sampling } }), ...(this.#o.toolTimeoutMs ? { timeoutMs: this.#o.toolTimeoutMs } : {}) };
    let content: string;
    let images: ToolResultPart['images'] = [];
    let isError: boolean;
    try {
      const result: CallToolResult = await this.#o.host.callTool(call.name, input, options).finally(() => leave?.());
      ({ text: content, images } = resultForModel(result, this.#o.maxResultImageBytes ?? DEFAULTS.maxResultImageBytes));
      isError = result.isError === true;
    } catch (error) {
      if (signal?.aborted) throw new CancelledError('The conversation was cancelled', { cause: signal.reason });
      content = `The tool call failed: ${(error as Error).message ?? String(error)}`;
      isError = true;
    }
    const cut = truncate(content, this.#o.maxResultChars ?? DEFAULTS.maxResultChars);
    this.#emit({ type: 'tool_result', id: call.id, name: call.name, isError, content: cut.text, truncated: cut.truncated, ran: true });
    return { part: { type: 'tool_result', callId: call.id, content: cut.text, isError, ...(images?.length ? { images } : {}) }, ran: true };
  }

  #push(message: ModelMessage): void {
    const last = this.transcript.at(-1);
    // Two user messages in a row (a prompt after a turn that ended on refused calls) become one.
    if (last && last.role === 'user' && message.role === 'user') last.content.push(...message.content);
    else this.transcript.push(message);
  }

  #emit(event: AgentEvent): void {
    try {
      this.#o.onEvent?.(event);
    } catch (error) {
      console.error('mcpkit agent: an onEvent listener threw', error);
    }
  }
}

function refused(call: ToolCallPart, reason: string): ToolResultPart {
  return { type: 'tool_result', callId: call.id, content: reason, isError: true };
}

/**
 * Runs one conversation: a fresh {@link Agent}, one user message, the loop to its end.
 * @example
 * const turn = await runAgent({ host, provider, prompt: 'Add 2 and 3', approvals: new ToolApprovals({ allowTools: ['add'] }) });
 */
export async function runAgent(options: AgentOptions & { prompt: string; signal?: AbortSignal }): Promise<AgentTurn & { transcript: ModelMessage[] }> {
  const agent = new Agent(options);
  const turn = await agent.send(options.prompt, options.signal ? { signal: options.signal } : {});
  return { ...turn, transcript: agent.transcript };
}
