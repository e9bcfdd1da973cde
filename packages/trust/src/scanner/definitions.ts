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
  // Lists come from the wire: a hostile server may send anything, so names are taken only when they are strings.
  const add = (kind: DefinitionKind, list: readonly unknown[] | undefined) => {
    for (const value of Array.isArray(list) ? list : []) {
      const name = (value as { name?: unknown } | null)?.name;
      defs.push({ server, kind, name: typeof name === 'string' ? name : undefined, value });
    }
  };
  add('tool', snapshot.tools);
  add('prompt', snapshot.prompts);
  add('resourceTemplate', snapshot.resourceTemplates);
  add('resource', snapshot.resources);
  return defs;
}
