/**
 * The aggregated view of every upstream: tools and prompts under namespaced names (`server__tool`, the same
 * naming `McpHost` uses), resources under their own URIs (the first upstream in config order wins a clash),
 * templates in config order. Allow/deny lists apply here; a down upstream's entries stay for a grace period.
 * @module
 */
import { NameTable } from '@mcpkit/client';
import type { Prompt, Resource, ResourceTemplate, Tool } from '@mcpkit/protocol';
import { GlobSet } from '../security/glob.js';
import type { Upstream, UpstreamCatalogue } from '../upstream/upstream.js';

export interface CatalogueEntry<T> {
  upstream: string;
  /** The name (or URI) the upstream knows. */
  original: string;
  /** The definition as the gateway's clients see it. */
  definition: T;
}

export interface Catalogue {
  tools: Map<string, CatalogueEntry<Tool>>;
  prompts: Map<string, CatalogueEntry<Prompt>>;
  resources: Map<string, CatalogueEntry<Resource>>;
  templates: Array<CatalogueEntry<ResourceTemplate>>;
  /** Resource URI clashes seen in this build: `uri` kept for `kept`, dropped for `dropped`. */
  clashes: Array<{ uri: string; kept: string; dropped: string }>;
}

/** How long a down upstream's entries stay listed. */
export const GRACE_MS = 30_000;

function toolFilter(upstream: Upstream): (name: string) => boolean {
  const allow = upstream.config.allowTools ? new GlobSet(upstream.config.allowTools) : undefined;
  const deny = upstream.config.denyTools ? new GlobSet(upstream.config.denyTools) : undefined;
  return (name) => (allow === undefined || allow.test(name)) && (deny === undefined || !deny.test(name));
}

/** Whether an upstream's entries are listed now. */
export function listed(upstream: Upstream, now: number): boolean {
  if (upstream.state === 'up' || upstream.state === 'idle' || upstream.state === 'connecting') return true;
  return upstream.state === 'down' && upstream.downSince !== undefined && now - upstream.downSince < GRACE_MS;
}

/** What pinning decided about an upstream (see trust/trust-guard.ts): a blocked server, quarantined items. */
export interface PinVerdict {
  block?: string;
  /** `tool:NAME`, `prompt:NAME`, `resourceTemplate:URI` → why. */
  quarantine: ReadonlyMap<string, string>;
  /** Not checked yet: nothing of it is served, and nothing is said about it (its tools are simply not there). */
  pending?: boolean;
  /**
   * The catalogue the verdict was made on, served in place of the upstream's latest: a catalogue listed again
   * (list_changed, a reconnect) is not served until its own check ends, so a tool new or changed in it is never
   * served unchecked under the previous verdict.
   */
  catalogue?: UpstreamCatalogue;
}

/**
 * The verdict on an upstream that pinning has not checked yet. An upstream's first check can take a round trip
 * (its signed manifest): a catalogue rebuilt meanwhile, for another upstream's sake, must not serve it.
 */
export const PENDING_VERDICT: PinVerdict = Object.freeze({ pending: true, quarantine: new Map<string, string>() });

/** Builds the catalogue from the upstreams, in config order, leaving out what pinning blocked or quarantined. */
export function buildCatalogue(upstreams: readonly Upstream[], verdictOf: (upstream: string) => PinVerdict | undefined = () => undefined, now = Date.now()): Catalogue {
  const toolNames = new NameTable();
  const promptNames = new NameTable();
  const live = upstreams.filter((u) => {
    const verdict = verdictOf(u.name);
    return listed(u, now) && verdict?.block === undefined && verdict?.pending !== true;
  });
  const hidden = (u: Upstream, key: string) => verdictOf(u.name)?.quarantine.has(key) === true;
  // What is served of each upstream: what its verdict was made on, when pinning gave one.
  const served = new Map<string, UpstreamCatalogue>(live.map((u) => [u.name, verdictOf(u.name)?.catalogue ?? u.catalogue]));
  const allowed = new Map<string, Tool[]>();
  for (const u of live) {
    const keep = toolFilter(u);
    const listed = served.get(u.name)!;
    const tools = listed.tools.filter((t) => keep(t.name) && !hidden(u, `tool:${t.name}`));
    allowed.set(u.name, tools);
    toolNames.set(u.name, tools.map((t) => t.name));
    promptNames.set(u.name, listed.prompts.filter((p) => !hidden(u, `prompt:${p.name}`)).map((p) => p.name));
  }
  const catalogue: Catalogue = { tools: new Map(), prompts: new Map(), resources: new Map(), templates: [], clashes: [] };
  for (const u of live) {
    const listed = served.get(u.name)!;
    for (const tool of allowed.get(u.name) ?? []) {
      const name = toolNames.nameOf(u.name, tool.name);
      if (name !== undefined) catalogue.tools.set(name, { upstream: u.name, original: tool.name, definition: { ...tool, name } });
    }
    for (const prompt of listed.prompts) {
      if (hidden(u, `prompt:${prompt.name}`)) continue;
      const name = promptNames.nameOf(u.name, prompt.name);
      if (name !== undefined) catalogue.prompts.set(name, { upstream: u.name, original: prompt.name, definition: { ...prompt, name } });
    }
    for (const resource of listed.resources) {
      const kept = catalogue.resources.get(resource.uri);
      if (kept) {
        catalogue.clashes.push({ uri: resource.uri, kept: kept.upstream, dropped: u.name });
        continue;
      }
      catalogue.resources.set(resource.uri, { upstream: u.name, original: resource.uri, definition: { ...resource, name: `${u.name}__${resource.name}` } });
    }
    for (const template of listed.templates) {
      if (hidden(u, `resourceTemplate:${template.uriTemplate}`)) continue;
      catalogue.templates.push({ upstream: u.name, original: template.uriTemplate, definition: { ...template, name: `${u.name}__${template.name}` } });
    }
  }
  return catalogue;
}
