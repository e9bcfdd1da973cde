/**
 * What every tool shares: the call's allowed directories, results with structured content and a text
 * fallback, and the wrapper that turns any refusal or failure into a safe `isError` result.
 * @module
 */
import type { RequestContext, ToolHandler } from '@mcpkit/server';
import type { AllowedDirectory } from '../access/allowed.js';
import type { CallDirectories, DirectoryAccess } from '../access/directory-access.js';
import { FsToolError, errnoCode, toFsToolError } from '../access/errors.js';
import type { FilesystemLimits } from '../limits.js';

/** A tools/call result (the type is not exported by @mcpkit/server). */
export type ToolResult = Awaited<ReturnType<ToolHandler<unknown>>>;
/** One content block of a result. */
export type ContentBlock = ToolResult['content'][number];

/** What the tool modules need from the server that registers them. */
export interface ToolEnv {
  readonly access: DirectoryAccess;
  readonly limits: FilesystemLimits;
  /** Operator-facing diagnostics (stderr by default); never shown to the client. */
  readonly warn: (message: string) => void;
}

/** What a tool body receives besides its arguments. */
export interface CallScope {
  readonly dirs: readonly AllowedDirectory[];
  readonly source: CallDirectories['source'];
  readonly ctx: RequestContext;
}

/** A successful result: `text` for clients that read content, `structured` for those that read structuredContent. */
export function success(text: string | ContentBlock[], structured: Record<string, unknown>): ToolResult {
  const content: ContentBlock[] = typeof text === 'string' ? [{ type: 'text', text }] : text;
  return { content, structuredContent: structured };
}

/** A refusal or failure, as the model should read it. */
export function failure(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/**
 * Wraps a tool body: resolves the call's allowed directories first, then runs it. Every FsToolError and
 * filesystem error becomes an `isError` result with a safe message; anything else is logged for the
 * operator and reported to the client without details (its message could carry a host path).
 */
export function guarded<A>(env: ToolEnv, tool: string, body: (args: A, scope: CallScope) => Promise<ToolResult>): ToolHandler<A> {
  return async (args, ctx) => {
    let allowed: CallDirectories;
    try {
      allowed = await env.access.forCall(ctx);
    } catch (error) {
      if (FsToolError.is(error)) return failure(error.message);
      throw error;
    }
    try {
      return await body(args, { dirs: allowed.directories, source: allowed.source, ctx });
    } catch (error) {
      if (ctx.signal.aborted) throw error;
      if (FsToolError.is(error)) return failure(error.message);
      if (errnoCode(error) !== undefined) return failure(toFsToolError(error, 'the requested path').message);
      env.warn(`${tool} failed unexpectedly: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return failure(`${tool} failed because of an internal error`);
    }
  };
}
