/**
 * What an upstream serves (its catalogue), listing it, and what a re-read of it must meet.
 * @module
 */
import type { Client } from '@mcpkit/client';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@mcpkit/protocol';

export interface UpstreamCatalogue {
  tools: Tool[];
  resources: Resource[];
  templates: ResourceTemplate[];
  prompts: Prompt[];
}

/**
 * What a re-read needs (shared catalogues only; without them every re-read lists): a list that started after
 * `since` (epoch ms; -Infinity: any stored one), and `gather` for a list_changed (see GATHER_MS).
 */
export interface RefreshWant {
  since: number;
  gather?: boolean;
}

export const EMPTY: UpstreamCatalogue = { tools: [], resources: [], templates: [], prompts: [] };

/** Lists what the upstream says it serves (its capabilities), each list within `timeoutMs`. */
export async function listCatalogue(client: Client, timeoutMs: number): Promise<UpstreamCatalogue> {
  const caps = client.server?.capabilities ?? {};
  const opts = { timeoutMs };
  const [tools, resources, templates, prompts] = await Promise.all([
    caps.tools ? client.listTools(opts) : [],
    caps.resources ? client.listResources(opts) : [],
    caps.resources ? client.listResourceTemplates(opts) : [],
    caps.prompts ? client.listPrompts(opts) : [],
  ]);
  return { tools, resources, templates, prompts };
}
