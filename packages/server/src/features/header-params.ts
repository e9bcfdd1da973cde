/**
 * `x-mcp-header` annotations in a tool's input schema (spec 2026-07-28 basic/transports/streamable-http
 * #custom-headers): tool arguments mirrored into `Mcp-Param-*` headers. Found once, at registration.
 * @module
 */
import { InvalidArgumentError, type JsonObject } from '@mcpkit/protocol';

export interface HeaderParam {
  /** The header suffix as declared (`Region` → `Mcp-Param-Region`); compared case-insensitively. */
  header: string;
  /** Property path from the arguments root, through `properties` only. */
  path: string[];
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ALLOWED_TYPES = new Set(['string', 'integer', 'boolean']);

/**
 * Collects and checks the annotations; invalid ones make the tool definition invalid.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT`
 */
export function findHeaderParams(schema: JsonObject, tool: string): HeaderParam[] {
  const out: HeaderParam[] = [];
  const seen = new Set<string>();
  const walk = (node: JsonObject, path: string[]): void => {
    const props = node.properties;
    if (typeof props !== 'object' || props === null) return;
    for (const [key, sub] of Object.entries(props as Record<string, unknown>)) {
      if (typeof sub !== 'object' || sub === null) continue;
      const s = sub as JsonObject;
      const here = [...path, key];
      const header = s['x-mcp-header'];
      if (header !== undefined) {
        if (typeof header !== 'string' || !TOKEN.test(header)) {
          throw new InvalidArgumentError(`tool ${tool}: x-mcp-header on ${here.join('.')} must be a non-empty HTTP token`);
        }
        if (typeof s.type !== 'string' || !ALLOWED_TYPES.has(s.type)) {
          throw new InvalidArgumentError(`tool ${tool}: x-mcp-header on ${here.join('.')} needs type string, integer or boolean`);
        }
        const lower = header.toLowerCase();
        if (seen.has(lower)) throw new InvalidArgumentError(`tool ${tool}: x-mcp-header "${header}" is declared twice`);
        seen.add(lower);
        out.push({ header: lower, path: here });
      }
      walk(s, here);
    }
  };
  walk(schema, []);
  rejectStray(schema, tool, '', true);
  return out;
}

/**
 * An `x-mcp-header` anywhere but on a property reached through `properties` alone (under items, anyOf,
 * $defs, the root …) makes the definition invalid: conforming clients would hide the tool.
 */
function rejectStray(node: unknown, tool: string, at: string, propertiesChain: boolean): void {
  if (typeof node !== 'object' || node === null) return;
  if (Array.isArray(node)) {
    node.forEach((n, i) => rejectStray(n, tool, `${at}[${i}]`, false));
    return;
  }
  const obj = node as JsonObject;
  if ('x-mcp-header' in obj && (!propertiesChain || at === '')) {
    throw new InvalidArgumentError(`tool ${tool}: x-mcp-header at ${at || 'the schema root'} is not on a property reachable through properties alone`);
  }
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'properties' && typeof v === 'object' && v !== null && !Array.isArray(v) && propertiesChain) {
      for (const [name, sub] of Object.entries(v as JsonObject)) rejectStray(sub, tool, `${at}.properties.${name}`, true);
    } else {
      rejectStray(v, tool, `${at}.${k}`, false);
    }
  }
}
