/**
 * Who may run which tool: every call needs a human's yes by default, "allow always" is remembered per server
 * identity (command and args, or URL), `destructiveHint` tools always ask, and without a human only allow-listed
 * tools run.
 * @module
 */
import type { ServerConfig } from '../config/types.js';
import type { JsonObject, ToolAnnotations } from '@mcpkit/protocol';

/** A human's answer to one tool call. */
export type ApprovalAnswer = 'deny' | 'once' | 'always';

/** What the human is shown before a tool runs. */
export interface ApprovalRequest {
  /** The name the model used. */
  name: string;
  server: string;
  /** The tool's name on its server. */
  tool: string;
  /** What identifies the server for remembered approvals (see {@link serverIdentity}). */
  identity: string;
  arguments: JsonObject;
  annotations: ToolAnnotations | undefined;
  /** Why a human is asked even if the tool was allowed before. */
  why: 'destructive' | 'default';
}

export interface ToolApprovalsOptions {
  /** Asks the human; without it the host is non-interactive and only {@link allowTools} run. */
  ask?: (request: ApprovalRequest) => Promise<ApprovalAnswer>;
  /**
   * Tools that run without asking: the model-facing name (`weather__get_weather`), `server:tool`, or a tool's own
   * name (then on every server). A `destructiveHint` tool named here still asks when a human is there to ask.
   */
  allowTools?: Iterable<string>;
  /** Run tools that declare `readOnlyHint: true` (and not `destructiveHint`) without asking. Off by default. */
  autoApproveReadOnly?: boolean;
}

/** A verdict on one call; `reason` is told to the model when the call is refused. */
export type ApprovalVerdict = { allowed: true; asked: boolean } | { allowed: false; reason: string };

/**
 * The identity approvals are remembered under: `stdio:` and the JSON of command, args and cwd, or the URL. Two
 * servers with the same name but another command never share an approval.
 */
export function serverIdentity(config: ServerConfig | undefined, fallback: string): string {
  if (!config) return `unknown:${fallback}`;
  if (config.transport === 'stdio') return `stdio:${JSON.stringify([config.command, ...config.args, ...(config.cwd ? [`cwd=${config.cwd}`] : [])])}`;
  return `${config.transport}:${config.url}`;
}

/**
 * Decides tool calls, remembering "allow always" per server identity and tool.
 * @example
 * const approvals = new ToolApprovals({ allowTools: ['weather__get_weather'] }); // non-interactive
 */
export class ToolApprovals {
  readonly #ask: ToolApprovalsOptions['ask'];
  readonly #allow: Set<string>;
  readonly #readOnly: boolean;
  readonly #always = new Set<string>();

  constructor(options: ToolApprovalsOptions = {}) {
    this.#ask = options.ask;
    this.#allow = new Set(options.allowTools ?? []);
    this.#readOnly = options.autoApproveReadOnly === true;
  }

  /** Whether a human can be asked. */
  get interactive(): boolean {
    return this.#ask !== undefined;
  }

  /** The remembered "allow always" approvals, as `identity` → tools. */
  remembered(): Array<{ identity: string; tool: string }> {
    return [...this.#always].map((key) => {
      const [identity, tool] = JSON.parse(key) as [string, string];
      return { identity, tool };
    });
  }

  /** Decides one call, asking the human when needed. */
  async decide(request: Omit<ApprovalRequest, 'why'>): Promise<ApprovalVerdict> {
    const destructive = request.annotations?.destructiveHint === true;
    const listed = this.#allow.has(request.name) || this.#allow.has(`${request.server}:${request.tool}`) || this.#allow.has(request.tool);
    const key = JSON.stringify([request.identity, request.tool]);
    if (!this.#ask) {
      // Non-interactive: an explicit allow-list entry is the only yes (spec: a human stays in the loop).
      return listed ? { allowed: true, asked: false } : { allowed: false, reason: `The tool ${request.name} is not allowed in this non-interactive session (the user did not allow it with --allow-tool), so it was not run. Do not retry it; answer without it.` };
    }
    if (!destructive) {
      if (listed || this.#always.has(key)) return { allowed: true, asked: false };
      if (this.#readOnly && request.annotations?.readOnlyHint === true) return { allowed: true, asked: false };
    }
    const answer = await this.#ask({ ...request, why: destructive ? 'destructive' : 'default' });
    if (answer === 'deny') return { allowed: false, reason: `The user denied the call to ${request.name}; it was not run.` };
    if (answer === 'always' && !destructive) this.#always.add(key);
    return { allowed: true, asked: true };
  }
}
