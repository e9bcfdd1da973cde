/**
 * The pinned part of a tool, prompt or resource template: the fields a model reads or a call depends on. Icons,
 * `_meta` and `execution` are left out, so a server may change them without drift.
 * @module
 */
import type { Prompt, ResourceTemplate, Tool } from '@mcpkit/protocol';
import { canonicalize, type JsonValue } from './jcs.js';

/** What a lockfile pins per server. */
export type ItemKind = 'tool' | 'prompt' | 'resourceTemplate';

export const ITEM_KINDS: readonly ItemKind[] = ['tool', 'prompt', 'resourceTemplate'];

/** A pinned definition: the JSON object whose JCS form is hashed. */
export type Definition = { [key: string]: JsonValue };

/** The item type of each kind. */
export interface ItemOf {
  tool: Tool;
  prompt: Prompt;
  resourceTemplate: ResourceTemplate;
}

const PINNED_FIELDS: Readonly<Record<ItemKind, readonly string[]>> = {
  tool: ['name', 'title', 'description', 'inputSchema', 'outputSchema', 'annotations'],
  prompt: ['name', 'title', 'description', 'arguments'],
  resourceTemplate: ['name', 'title', 'description', 'uriTemplate', 'mimeType', 'annotations'],
};

/**
 * The field that names an item of a kind in lists and lockfiles (resource templates go by their URI template).
 * @example
 * keyField('resourceTemplate'); // 'uriTemplate'
 */
export function keyField(kind: ItemKind): 'name' | 'uriTemplate' {
  return kind === 'resourceTemplate' ? 'uriTemplate' : 'name';
}

/**
 * The name (or URI template) an item goes by; `''` when the server left it out.
 * @example
 * itemKey('tool', { name: 'echo', inputSchema: {} }); // 'echo'
 */
export function itemKey(kind: ItemKind, item: object): string {
  const key = (item as Record<string, unknown>)[keyField(kind)];
  return typeof key === 'string' ? key : '';
}

/**
 * The pinned fields of an item, absent ones left out (not `null`).
 * @example
 * pinnedDefinition('tool', { name: 'echo', inputSchema: { type: 'object' }, icons: [] }); // { name, inputSchema }
 */
export function pinnedDefinition<K extends ItemKind>(kind: K, item: ItemOf[K]): Definition {
  const source = item as unknown as Record<string, unknown>;
  const out: Definition = {};
  for (const field of PINNED_FIELDS[kind]) {
    const value = source[field];
    if (value !== undefined) out[field] = value as JsonValue;
  }
  return out;
}

/**
 * The pinned fields as a fresh JSON object with sorted keys (a deep copy that shares nothing with the item).
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) when a field holds something JSON cannot carry.
 */
export function canonicalDefinition<K extends ItemKind>(kind: K, item: ItemOf[K]): Definition {
  return JSON.parse(canonicalize(pinnedDefinition(kind, item))) as Definition;
}
