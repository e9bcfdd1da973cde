/**
 * Completions for repository names, issue numbers and labels, each from one GitHub request. A failed lookup
 * completes to nothing: completion is a convenience, and the reason goes to stderr for the operator.
 * @module
 */
import type { Completer } from '@mcpkit/server';
import { GitHubError } from './api/errors.js';
import { ownerInput, repoInput, repoPath, type ToolEnv } from './tools/kit.js';

/** Prefix matches, case-insensitive, in GitHub's order. */
function starting(values: readonly string[], prefix: string): string[] {
  const p = prefix.toLowerCase();
  return values.filter((v) => v.toLowerCase().startsWith(p));
}

async function lookup(env: ToolEnv, path: string, query: Record<string, string | number>, what: string, signal: AbortSignal): Promise<unknown[]> {
  try {
    const { data } = await env.api.send<unknown>({ path, query, what, signal });
    return Array.isArray(data) ? data : [];
  } catch (error) {
    // A GitHubError's message already says what was being done; anything else gets `what` for context.
    const message = GitHubError.is(error) ? error.message : `${what}: ${String(error)}`;
    console.error(`mcpkit-github: no completions: ${env.api.redact(message)}`);
    return [];
  }
}

/** The owner and repo already given, when both are valid names. */
function repoOf(args: Record<string, string>): { owner: string; repo: string } | undefined {
  const owner = ownerInput.safeParse(args.owner);
  const repo = repoInput.safeParse(args.repo);
  return owner.success && repo.success ? { owner: owner.data, repo: repo.data } : undefined;
}

/** The completers, keyed by argument or template variable name. */
export function completers(env: ToolEnv): { repo: Completer; number: Completer; label: Completer } {
  return {
    // The owner's most recently pushed repositories: /users/{owner}/repos serves users and organizations alike.
    repo: async (value, { arguments: args }, ctx) => {
      const owner = ownerInput.safeParse(args.owner);
      if (!owner.success) return [];
      const path = `/users/${encodeURIComponent(owner.data)}/repos`;
      const repos = await lookup(env, path, { per_page: 100, sort: 'pushed' }, `listing the repositories of ${owner.data}`, ctx.signal);
      return starting(repos.map((r) => String((r as { name?: unknown }).name ?? '')).filter(Boolean), value);
    },
    // Recently updated open issues first, so the likely ones lead.
    number: async (value, { arguments: args }, ctx) => {
      const at = repoOf(args);
      if (!at) return [];
      const query = { state: 'open', sort: 'updated', per_page: 100 };
      const issues = await lookup(env, `${repoPath(at.owner, at.repo)}/issues`, query, `listing the open issues of ${at.owner}/${at.repo}`, ctx.signal);
      return starting(issues.map((i) => String((i as { number?: unknown }).number ?? '')).filter(Boolean), value);
    },
    label: async (value, { arguments: args }, ctx) => {
      const at = repoOf(args);
      if (!at) return [];
      const labels = await lookup(env, `${repoPath(at.owner, at.repo)}/labels`, { per_page: 100 }, `listing the labels of ${at.owner}/${at.repo}`, ctx.signal);
      return starting(labels.map((l) => String((l as { name?: unknown }).name ?? '')).filter(Boolean), value);
    },
  };
}
