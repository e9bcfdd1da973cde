/**
 * Reads a model's tool-call arguments: a JSON object, or a note of what was wrong with them.
 * @module
 */
import type { JsonObject } from '@mcpkit/protocol';
import type { ToolCallPart } from './types.js';

/** Builds a tool call from its raw argument text; an empty string means `{}` (models send that for no arguments). */
export function toolCall(id: string, name: string, raw: string): ToolCallPart {
  if (raw.trim() === '') return { type: 'tool_call', id, name, input: {} };
  try {
    const value: unknown = JSON.parse(raw);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return { type: 'tool_call', id, name, input: value as JsonObject };
  } catch {
    // Invalid JSON: the loop tells the model so instead of calling the tool.
  }
  return { type: 'tool_call', id, name, input: undefined, rawInput: raw };
}
