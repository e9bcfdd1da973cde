/**
 * Drift between reconnects: what the server showed last time (capabilities, server info, instructions, tool
 * definitions) against what it shows now, field by field, with @mcpkit/trust's JSON diff.
 * @module
 */
import type { Negotiated } from '@mcpkit/client';
import { type JsonValue, diffJson } from '@mcpkit/trust';
import type { DriftEntry } from './events.js';

/** The parts of a server compared between connections; tools are keyed by name so a reorder is no change. */
export interface ServerPicture {
  capabilities: JsonValue;
  serverInfo: JsonValue;
  instructions: JsonValue;
  tools: { [name: string]: JsonValue };
}

/** Most changes kept, so a server that changes everything does not flood the page. */
const MAX_CHANGES = 200;

/** The picture of a connection, or undefined when its tools could not be listed (nothing to compare then). */
export function pictureOf(negotiated: Negotiated, tools: { name: string }[] | undefined): ServerPicture | undefined {
  if (!tools) return undefined;
  const byName: { [name: string]: JsonValue } = {};
  for (const t of tools) byName[t.name] = JSON.parse(JSON.stringify(t)) as JsonValue;
  return {
    capabilities: JSON.parse(JSON.stringify(negotiated.capabilities)) as JsonValue,
    serverInfo: JSON.parse(JSON.stringify(negotiated.serverInfo ?? null)) as JsonValue,
    instructions: negotiated.instructions ?? null,
    tools: byName,
  };
}

/** The changed fields, as JSON Pointers into the picture (e.g. `/tools/echo/description`). */
export function driftBetween(before: ServerPicture, after: ServerPicture): DriftEntry[] {
  return diffJson(before as unknown as JsonValue, after as unknown as JsonValue).slice(0, MAX_CHANGES);
}
