/**
 * The definitions of a snapshot as one flat list: tools, prompts, resource templates, resources, and the server's
 * own fields (instructions and serverInfo) as a definition of kind `server`.
 * @module
 */
import type { DefinitionKind, ServerSnapshot } from '../snapshot.js';

export interface Definition {
  server: string;
  kind: DefinitionKind;
  /** The definition's name; `undefined` for the server's own fields. */
  name: string | undefined;
  /** The definition as served; pointers are relative to it. */
  value: unknown;
}

/** Lists every definition of `snapshot`, in the order the server listed them. */
export function definitionsOf(snapshot: ServerSnapshot): Definition[] {
  const server = snapshot.name;
  const defs: Definition[] = [];
  const own: Record<string, unknown> = {};
  if (snapshot.instructions !== undefined) own.instructions = snapshot.instructions;
  if (snapshot.serverInfo !== undefined) own.serverInfo = snapshot.serverInfo;
  if (Object.keys(own).length > 0) defs.push({ server, kind: 'server', name: undefined, value: own });
  for (const t of snapshot.tools ?? []) defs.push({ server, kind: 'tool', name: t.name, value: t });
  for (const p of snapshot.prompts ?? []) defs.push({ server, kind: 'prompt', name: p.name, value: p });
  for (const r of snapshot.resourceTemplates ?? []) defs.push({ server, kind: 'resourceTemplate', name: r.name, value: r });
  for (const r of snapshot.resources ?? []) defs.push({ server, kind: 'resource', name: r.name, value: r });
  return defs;
}
