/**
 * A built-in tool-search tool for catalogues too big to send whole: the model sees only `search_tools` and the
 * tools it has found so far, and each search loads the best matches for the next request.
 * @module
 */
import type { ModelTool } from '../providers/types.js';
import type { CatalogueEntry } from './catalogue.js';

/** When the catalogue is sent whole and when only the search tool is. */
export interface ToolSearchOptions {
  /** Search instead of sending every tool when there are more tools than this. Default 64. */
  maxTools?: number;
  /** … or when their definitions take more characters than this (JSON). Default 60 000. */
  maxChars?: number;
  /** Tools a search loads at most. Default 8. */
  limit?: number;
}

const DEFAULTS = { maxTools: 64, maxChars: 60_000, limit: 8 };

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1);
}

/** The tools the model sees, and the search over the rest. One per Agent: loaded tools stay loaded. */
export class ToolSearch {
  readonly #o: Required<ToolSearchOptions>;
  readonly #loaded = new Set<string>();

  constructor(options: ToolSearchOptions = {}) {
    this.#o = { ...DEFAULTS, ...options };
  }

  /** The search tool's name: `search_tools`, or with a suffix if a server's tool already has that name. */
  nameIn(catalogue: Map<string, CatalogueEntry>): string {
    let name = 'search_tools';
    for (let i = 1; catalogue.has(name); i++) name = `search_tools_${i}`;
    return name;
  }

  /** Whether this catalogue is too big to send whole. */
  active(catalogue: Map<string, CatalogueEntry>): boolean {
    if (catalogue.size > this.#o.maxTools) return true;
    let chars = 0;
    for (const e of catalogue.values()) chars += JSON.stringify(e.model).length;
    return chars > this.#o.maxChars;
  }

  /** The tools to send: everything, or the search tool and what searches loaded. */
  offered(catalogue: Map<string, CatalogueEntry>): ModelTool[] {
    const all = [...catalogue.values()].map((e) => e.model);
    if (!this.active(catalogue)) return all;
    const search: ModelTool = {
      name: this.nameIn(catalogue),
      description: `Finds tools among ${catalogue.size} available ones by what they do, and makes the best matches callable. Search before calling a tool you do not see yet.`,
      inputSchema: { type: 'object', properties: { query: { type: 'string', description: 'What the tool should do, in a few words' } }, required: ['query'] },
    };
    return [search, ...all.filter((t) => this.#loaded.has(t.name))];
  }

  /** Runs a search: the best matches by words in name, server and description, loaded for the next request. */
  search(catalogue: Map<string, CatalogueEntry>, query: string): string {
    const wanted = words(query);
    const scored = [...catalogue.values()]
      .map((e) => {
        const name = words(`${e.host.originalName} ${e.host.server}`);
        const text = words(e.model.description);
        let score = 0;
        for (const w of wanted) score += (name.some((n) => n.includes(w)) ? 3 : 0) + (text.includes(w) ? 1 : 0);
        return { e, score };
      })
      .filter((s) => s.score > 0)
      .sort((a, b) => b.score - a.score || (a.e.model.name < b.e.model.name ? -1 : 1))
      .slice(0, this.#o.limit);
    if (scored.length === 0) return `No tool matches ${JSON.stringify(query)}. Try other words.`;
    for (const s of scored) this.#loaded.add(s.e.model.name);
    return `These tools can now be called:\n${scored.map((s) => `- ${s.e.model.name}: ${s.e.model.description}`).join('\n')}`;
  }
}
