/**
 * The issue resource, `github://{owner}/{repo}/issues/{number}`: one issue and its comments as JSON, the same
 * object get_issue returns as structured content.
 * @module
 */
import { ErrorCode, type McpServer, ProtocolError, ResourceNotFoundError } from '@mcpkit/server';
import { GitHubError } from './api/errors.js';
import { completers } from './completions.js';
import { fetchIssue } from './tools/read.js';
import { type ToolEnv, ownerInput, repoInput } from './tools/kit.js';

export const ISSUE_TEMPLATE = 'github://{owner}/{repo}/issues/{number}';

/** Registers the issue resource template, with completions for repo (given owner) and number (given both). */
export function registerIssueResource(server: McpServer, env: ToolEnv): void {
  const complete = completers(env);
  server.resourceTemplate('issue', ISSUE_TEMPLATE, {
    title: 'GitHub issue',
    description: 'One issue with its body and comments (at most 300), as JSON: { issue, comments, comments_truncated }',
    mimeType: 'application/json',
    complete: { repo: complete.repo, number: complete.number },
  }, async (uri, vars, ctx) => {
    const owner = ownerInput.safeParse(vars.owner);
    const repo = repoInput.safeParse(vars.repo);
    const number = typeof vars.number === 'string' && /^[1-9]\d{0,9}$/.test(vars.number) ? Number(vars.number) : NaN;
    if (!owner.success || !repo.success || !Number.isSafeInteger(number)) {
      throw new ResourceNotFoundError(uri, 'expected github://OWNER/REPO/issues/NUMBER with GitHub names and a positive number');
    }
    try {
      const got = await fetchIssue(env, owner.data, repo.data, number, true, ctx.signal);
      return { contents: [{ mimeType: 'application/json', text: JSON.stringify(got) }] };
    } catch (error) {
      if (!GitHubError.is(error) || ctx.signal.aborted) throw error;
      const message = env.api.redact(error.message);
      if (error.code === 'NOT_FOUND' || error.code === 'GONE') throw new ResourceNotFoundError(uri, message);
      throw new ProtocolError(ErrorCode.InternalError, message);
    }
  });
}
