/**
 * What every tool shares: argument schemas for a repository and an issue, result helpers, and the wrapper that
 * turns a GitHubError into an `isError` result the model can act on.
 * @module
 */
import type { RequestContext, ToolHandler } from '@mcpkit/server';
import { z } from 'zod';
import type { GitHubApi } from '../api/client.js';
import { GitHubError } from '../api/errors.js';

/** A tools/call result (the type is not exported by @mcpkit/server). */
export type ToolResult = Awaited<ReturnType<ToolHandler<unknown>>>;

/** GitHub's rules for names (docs: "About usernames", repository naming), which also keep `/` and `..` out of paths. */
export const ownerInput = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, 'must be a GitHub user or organization name')
  .describe('Repository owner: a user or organization login, e.g. "octocat"');
export const repoInput = z
  .string()
  .regex(/^[A-Za-z0-9._-]{1,100}$/, 'must be a repository name')
  .refine((name) => name !== '.' && name !== '..', 'must be a repository name')
  .describe('Repository name without the owner, e.g. "hello-world"');
export const numberInput = z.number().int().min(1).describe('Issue number, as shown after # on GitHub');

/** `/repos/{owner}/{repo}` with both parts encoded (the schemas already refuse separators). */
export function repoPath(owner: string, repo: string): string {
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}`;
}

export function success(text: string, structured: Record<string, unknown>): ToolResult {
  return { content: [{ type: 'text', text }], structuredContent: structured };
}

export function failure(message: string): ToolResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** What the tool modules need from the server that registers them. */
export interface ToolEnv {
  readonly api: GitHubApi;
}

/**
 * Wraps a tool body. A GitHubError becomes an `isError` result with its (token-free) message; a cancellation
 * stays a cancellation; anything else is rethrown for the SDK to log and report without details.
 * With `write`, the body does not run without a token: GitHub would refuse it anyway, less clearly.
 */
export function guarded<A>(env: ToolEnv, tool: string, body: (args: A, ctx: RequestContext) => Promise<ToolResult>, write = false): ToolHandler<A> {
  return async (args, ctx) => {
    if (write && !env.api.hasToken) {
      return failure(`${tool} changes GitHub and needs a token: set GITHUB_TOKEN (a fine-grained token with "Issues: read and write" on the repository, or a classic token with the repo scope) and restart the server.`);
    }
    try {
      return await body(args, ctx);
    } catch (error) {
      if (GitHubError.is(error) && !ctx.signal.aborted) return failure(env.api.redact(error.message));
      throw error;
    }
  };
}
