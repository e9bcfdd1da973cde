/**
 * Near names (X005): a tool name one edit away from another server's tool, found through deletion variants.
 * @module
 */
import { skeleton } from '../confusables.js';
import type { Definition } from '../definitions.js';
import { excerpt } from '../evidence.js';
import type { RawFinding } from './raw-finding.js';

const NEAR_MIN = 6;

/** Single-deletion variants of `word`, with the word itself: two words share one iff they are one edit apart. */
function variants(word: string): string[] {
  const out = [word];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/**
 * Tool names one edit (a letter changed, added, dropped or two swapped) away from another server's tool (X005):
 * `raed_file` next to `read_file`. Low: honest servers have `get_user` and `get_users` too. Indexed by deletion
 * variants, so the cost is linear in the number of names, not quadratic.
 */
export function reportNearNames(defs: readonly Definition[], report: (d: Definition, f: RawFinding) => void): void {
  const tools: { def: Definition; skel: string }[] = [];
  for (const def of defs) {
    if (def.kind !== 'tool' || def.name === undefined) continue;
    const skel = skeleton(def.name);
    if (skel.length >= NEAR_MIN) tools.push({ def, skel });
  }
  // Per variant, the names that have it and the servers they come from (most variants have one server: skipped fast).
  const byVariant = new Map<string, { names: { def: Definition; skel: string }[]; servers: Set<string> }>();
  for (const t of tools) {
    for (const v of new Set(variants(t.skel))) {
      let entry = byVariant.get(v);
      if (!entry) byVariant.set(v, (entry = { names: [], servers: new Set() }));
      entry.names.push(t);
      entry.servers.add(t.def.server);
    }
  }
  for (const t of tools) {
    for (const v of new Set(variants(t.skel))) {
      const entry = byVariant.get(v);
      if (!entry || entry.servers.size < 2) continue;
      const near = entry.names.find((o) => o.def.server !== t.def.server && o.skel !== t.skel);
      if (!near) continue;
      report(t.def, { rule: 'MCP-X005', severity: 'low', pointer: '/name',
        message: `The tool name ${JSON.stringify(t.def.name)} is one letter away from ${JSON.stringify(near.def.name)} on ${JSON.stringify(near.def.server)}`,
        evidence: excerpt(t.def.name ?? '') });
      break;
    }
  }
}
