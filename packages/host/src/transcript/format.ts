/**
 * The transcript format: JSON lines, one per exchange with the model or a server, in the order they completed.
 * @module
 */
import type { HostTool } from '../mcp-host/mcp-host.js';
import type { CallToolResult, JsonObject, ReadResourceResult } from '@mcpkit/protocol';
import type { ModelRequest, ModelResponse } from '../providers/types.js';

export const TRANSCRIPT_VERSION = 1;

/** One line of a transcript. */
export type TranscriptEntry =
  | { kind: 'mcpkit-transcript'; version: number; provider: string; model: string }
  /** A model request and its answer; `catalogue` is the tool catalogue when it changed since the last entry that had one. */
  | { kind: 'model'; catalogue?: HostTool[]; request: ModelRequest; response: ModelResponse }
  | { kind: 'tool'; name: string; arguments: JsonObject; result?: CallToolResult; error?: string }
  | { kind: 'resource'; server: string; uri: string; result?: ReadResourceResult; error?: string };
