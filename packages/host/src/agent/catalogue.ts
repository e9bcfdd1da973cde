/**
 * The tool catalogue the model sees: every connected server's tools under names every provider accepts.
 * @module
 */
import type { HostTool, McpHost } from '../mcp-host/mcp-host.js';
import type { JsonObject } from '@mcpkit/protocol';
import type { ModelTool } from '../providers/types.js';

/** What every provider accepts as a tool name (Anthropic, OpenAI, Gemini, Bedrock). */
export const PROVIDER_TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** What the agent uses of an McpHost; a transcript replay provides the same. */
export type AgentHost = Pick<McpHost, 'tools' | 'callTool' | 'config' | 'statuses' | 'readResource'>;

/** One catalogue entry: the model-facing tool and where it lives. */
export interface CatalogueEntry {
  model: ModelTool;
  host: HostTool;
}

/**
 * The host's tools for the model. McpHost's names are `server__tool`, cleaned, hashed when long or colliding, and
 * stable for a given set of tools; a name that still fails the provider pattern is left out rather than sent.
 */
export function toolCatalogue(host: Pick<McpHost, 'tools'>): Map<string, CatalogueEntry> {
  const out = new Map<string, CatalogueEntry>();
  for (const t of host.tools()) {
    if (!PROVIDER_TOOL_NAME.test(t.name) || out.has(t.name)) continue;
    const schema: JsonObject = { ...(t.tool.inputSchema as JsonObject | undefined) };
    if (schema.type !== 'object') schema.type = 'object';
    const description = [t.tool.title && t.tool.title !== t.tool.description ? t.tool.title : undefined, t.tool.description].filter(Boolean).join(': ');
    out.set(t.name, { host: t, model: { name: t.name, description: `${description || t.originalName} (server ${t.server})`, inputSchema: schema } });
  }
  return out;
}
