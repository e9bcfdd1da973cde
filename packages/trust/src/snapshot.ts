/**
 * What a server exposes, as the trust layer sees it: the inputs of digests, lockfiles, drift reports and the
 * scanner. Built by callers from `tools/list`, `prompts/list`, `resources/templates/list` (and optionally
 * `resources/list`) plus the negotiated identity and instructions.
 * @module
 */
import type { Implementation, Prompt, Resource, ResourceTemplate, Tool } from '@mcpkit/protocol';

export interface ServerSnapshot {
  /** The name the host, gateway or lockfile knows the server by (a config key, not serverInfo.name). */
  name: string;
  /** What the server said about itself (`serverInfo`), if known. */
  serverInfo?: Implementation | undefined;
  /** The server's `instructions`, if any. */
  instructions?: string | undefined;
  tools: readonly Tool[];
  prompts: readonly Prompt[];
  resourceTemplates: readonly ResourceTemplate[];
  /** Concrete resources, when listed (scanned, not pinned: resource lists change as data changes). */
  resources?: readonly Resource[] | undefined;
}

/** How bad a finding is; the order is the order of severity. */
export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** The kinds of definition a server exposes; `server` is the server's own `instructions` and `serverInfo`. */
export type DefinitionKind = 'tool' | 'prompt' | 'resourceTemplate' | 'resource' | 'server';

/** One scanner finding: what rule, how bad, where, and the evidence. */
export interface Finding {
  /** Stable rule id: `MCP-I001`-style for the scanner (`RULES`), `MCP-R001`-style for the guardrails (`GUARDRAIL_RULES`). */
  rule: string;
  severity: Severity;
  server?: string;
  /** What kind of definition `tool` names; absent or `server` for the server's own fields (instructions, serverInfo). */
  kind?: DefinitionKind;
  /** The tool, prompt or resource template the finding is about (its name as the server gives it). */
  tool?: string;
  /** RFC 6901 JSON Pointer into the definition (e.g. `/inputSchema/properties/path/description`). */
  pointer?: string;
  message: string;
  /** The offending text or value, shortened and with invisible characters made visible. */
  evidence?: string;
}
