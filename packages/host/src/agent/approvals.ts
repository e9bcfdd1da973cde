/**
 * Who may run which tool: every call needs a human's yes by default, "allow always" is remembered per server
 * identity (command and args, or URL) and tool definition, `destructiveHint` tools always ask, and without a human
 * only allow-listed tools run.
 * @module
 */
import { resolve } from 'node:path';
import type { JsonObject, Tool, ToolAnnotations } from '@mcpkit/protocol';
import { digestItem } from '@mcpkit/trust';
import type { ServerConfig } from '../config/types.js';
import { type ApprovalStore, MemoryApprovalStore, type RememberedApproval } from './approval-store.js';

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
  /**
   * The tool's definition as the server lists it now. "Allow always" remembers its digest, and a remembered
   * approval holds only while the definition stays the same.
   */
  definition?: Tool;
  /**
   * Why a human is asked: `destructive` (asked every time), `changed` (allowed always before, but the tool's
   * definition has changed since), or `default`.
   */
  why: 'destructive' | 'changed' | 'default';
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
  /**
   * Where "allow always" answers are kept. Default: memory, for the life of this object; a
   * {@link FileApprovalStore} keeps them across sessions. Used only when a human can be asked.
   */
  store?: ApprovalStore;
  /** Told when the store fails (the call is then asked, or allowed once); default: a line on stderr. */
  onStoreError?: (error: unknown) => void;
}

/** A verdict on one call; `reason` is told to the model when the call is refused. */
export type ApprovalVerdict = { allowed: true; asked: boolean } | { allowed: false; reason: string };

/**
 * The identity approvals are remembered under: `stdio:` and the JSON of command, args and the working directory the
 * server runs in (its `cwd`, else `cwd`, resolved), or `http:`/`sse:` and the URL. Two servers with the same name
 * but another command never share an approval, and neither do `node server.js` in two projects: what a relative
 * path (or `npx` package) names depends on the directory.
 */
export function serverIdentity(config: ServerConfig | undefined, fallback: string, cwd: string = process.cwd()): string {
  if (!config) return `unknown:${fallback}`;
  if (config.transport === 'stdio') return `stdio:${JSON.stringify([config.command, ...config.args, `cwd=${resolve(cwd, config.cwd ?? '.')}`])}`;
  return `${config.transport}:${config.url}`;
}

/** The digest "allow always" keeps: of the definition when there is one, else of the tool's name alone. */
async function definitionDigest(tool: string, definition: Tool | undefined): Promise<string> {
  // async: digestItem throws (synchronously) for a value JSON cannot carry, and that must reject.
  return digestItem('tool', definition ?? { name: tool, inputSchema: { type: 'object' } });
}

/**
 * Decides tool calls, remembering "allow always" per server identity and tool definition.
 * @example
 * const approvals = new ToolApprovals({ allowTools: ['weather__get_weather'] }); // non-interactive
 */
export class ToolApprovals {
  readonly #ask: ToolApprovalsOptions['ask'];
  readonly #allow: Set<string>;
  readonly #readOnly: boolean;
  readonly #store: ApprovalStore;
  readonly #onStoreError: (error: unknown) => void;

  constructor(options: ToolApprovalsOptions = {}) {
    this.#ask = options.ask;
    this.#allow = new Set(options.allowTools ?? []);
    this.#readOnly = options.autoApproveReadOnly === true;
    this.#store = options.store ?? new MemoryApprovalStore();
    this.#onStoreError = options.onStoreError ?? ((error) => console.error(`mcpkit: remembered approvals: ${(error as Error).message ?? String(error)}`));
  }

  /** Whether a human can be asked. */
  get interactive(): boolean {
    return this.#ask !== undefined;
  }

  /** The remembered "allow always" approvals. */
  async remembered(): Promise<RememberedApproval[]> {
    return this.#store.list();
  }

  /** Decides one call, asking the human when needed. */
  async decide(request: Omit<ApprovalRequest, 'why'>): Promise<ApprovalVerdict> {
    const destructive = request.annotations?.destructiveHint === true;
    const listed = this.#allow.has(request.name) || this.#allow.has(`${request.server}:${request.tool}`) || this.#allow.has(request.tool);
    if (!this.#ask) {
      // Non-interactive: an explicit allow-list entry is the only yes (spec: a human stays in the loop), so
      // remembered approvals do not apply either.
      return listed ? { allowed: true, asked: false } : { allowed: false, reason: `The tool ${request.name} is not allowed in this non-interactive session (the user did not allow it with --allow-tool), so it was not run. Do not retry it; answer without it.` };
    }
    let why: ApprovalRequest['why'] = destructive ? 'destructive' : 'default';
    let digest: string | undefined;
    let stale = false;
    if (!destructive) {
      if (listed) return { allowed: true, asked: false };
      if (this.#readOnly && request.annotations?.readOnlyHint === true) return { allowed: true, asked: false };
      // A definition that cannot be digested (not JSON) can be allowed once, never remembered.
      digest = await definitionDigest(request.tool, request.definition).catch((error: unknown) => void this.#onStoreError(error));
      const before = digest === undefined ? undefined : await this.#store.find(request.identity, request.tool).catch((error: unknown) => void this.#onStoreError(error));
      if (before && before.digest === digest) return { allowed: true, asked: false };
      // Allowed before, but the server now describes the tool differently: what was approved is not this.
      if (before) {
        why = 'changed';
        stale = true;
      }
    }
    const answer = await this.#ask({ ...request, why });
    // A server the host has no config for has no identity worth keeping: its "always" lasts for this call only.
    if (answer === 'always' && !destructive && digest !== undefined && !request.identity.startsWith('unknown:')) {
      await this.#store.save({ identity: request.identity, tool: request.tool, digest, savedAt: new Date().toISOString() }).catch((error: unknown) => this.#onStoreError(error));
    } else if (answer === 'deny' && stale) {
      await this.#store.forget((a) => a.identity === request.identity && a.tool === request.tool).catch((error: unknown) => this.#onStoreError(error));
    }
    if (answer === 'deny') return { allowed: false, reason: `The user denied the call to ${request.name}; it was not run.` };
    return { allowed: true, asked: true };
  }
}
