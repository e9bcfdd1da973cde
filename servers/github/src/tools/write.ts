/**
 * Writing tools: create_issue, update_issue, close_issue, add_issue_comment. Each needs GITHUB_TOKEN.
 * @module
 */
import type { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import { commentSchema, issueSchema, summaryLine, toComment, toIssue } from '../issues.js';
import { type ToolEnv, failure, guarded, numberInput, ownerInput, repoInput, repoPath, success } from './kit.js';

const labelsInput = z.array(z.string().min(1).max(100)).max(100);
const assigneesInput = z.array(z.string().min(1).max(39)).max(10);

/** Registers the writing tools. */
export function registerWriteTools(server: McpServer, env: ToolEnv): void {
  server.tool('create_issue', {
    title: 'Create an issue',
    description:
      'Opens a new issue. Labels and assignees are set only when the token may triage the repository; ' +
      'GitHub answers 422 for an assignee who cannot be assigned. Needs GITHUB_TOKEN.',
    inputSchema: {
      owner: ownerInput,
      repo: repoInput,
      title: z.string().min(1).max(256).describe('Issue title'),
      body: z.string().max(65_536).optional().describe('Issue description, in GitHub Markdown'),
      labels: labelsInput.optional().describe('Label names to set; missing labels are created by GitHub'),
      assignees: assigneesInput.optional().describe('Logins to assign (at most 10)'),
      milestone: z.number().int().min(1).optional().describe('Milestone number'),
    },
    outputSchema: { issue: issueSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, guarded(env, 'create_issue', async (a, ctx) => {
    const { data } = await env.api.send<unknown>({
      method: 'POST',
      path: `${repoPath(a.owner, a.repo)}/issues`,
      body: { title: a.title, body: a.body, labels: a.labels, assignees: a.assignees, milestone: a.milestone },
      what: `creating an issue in ${a.owner}/${a.repo}`,
      signal: ctx.signal,
    });
    const issue = toIssue(data);
    return success(`Created ${summaryLine(issue)} in ${a.owner}/${a.repo}: ${issue.html_url}`, { issue });
  }, true));

  server.tool('update_issue', {
    title: 'Update an issue',
    description:
      'Changes an issue: only the fields given are sent. labels and assignees REPLACE the current lists (an empty list clears them); ' +
      'body replaces the description. state reopens or closes it (see also close_issue). Needs GITHUB_TOKEN.',
    inputSchema: {
      owner: ownerInput,
      repo: repoInput,
      number: numberInput,
      title: z.string().min(1).max(256).optional().describe('New title'),
      body: z.string().max(65_536).optional().describe('New description, replacing the old one'),
      labels: labelsInput.optional().describe('The complete new set of label names'),
      assignees: assigneesInput.optional().describe('The complete new set of assignee logins'),
      state: z.enum(['open', 'closed']).optional().describe('open to reopen, closed to close'),
      state_reason: z.enum(['completed', 'not_planned', 'reopened']).optional().describe('Why the state changes'),
    },
    outputSchema: { issue: issueSchema },
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  }, guarded(env, 'update_issue', async (a, ctx) => {
    const { owner, repo, number, ...changes } = a;
    const body = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    if (Object.keys(body).length === 0) {
      return failure('update_issue: nothing to change; give at least one of title, body, labels, assignees, state, state_reason.');
    }
    const { data } = await env.api.send<unknown>({
      method: 'PATCH',
      path: `${repoPath(owner, repo)}/issues/${number}`,
      body,
      what: `updating issue #${number} in ${owner}/${repo}`,
      signal: ctx.signal,
    });
    const issue = toIssue(data);
    return success(`Updated ${summaryLine(issue)} (${Object.keys(body).join(', ')}): ${issue.html_url}`, { issue });
  }, true));

  server.tool('close_issue', {
    title: 'Close an issue',
    description:
      'Closes an issue as completed (done, fixed) or not_planned (won\'t fix, duplicate, stale). Closing a closed issue changes nothing. ' +
      'To explain why, call add_issue_comment first. Needs GITHUB_TOKEN.',
    inputSchema: {
      owner: ownerInput,
      repo: repoInput,
      number: numberInput,
      state_reason: z.enum(['completed', 'not_planned']).default('completed').describe('completed (default) or not_planned'),
    },
    outputSchema: { issue: issueSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  }, guarded(env, 'close_issue', async (a, ctx) => {
    const { data } = await env.api.send<unknown>({
      method: 'PATCH',
      path: `${repoPath(a.owner, a.repo)}/issues/${a.number}`,
      body: { state: 'closed', state_reason: a.state_reason },
      what: `closing issue #${a.number} in ${a.owner}/${a.repo}`,
      signal: ctx.signal,
    });
    const issue = toIssue(data);
    return success(`Closed ${summaryLine(issue)}: ${issue.html_url}`, { issue });
  }, true));

  server.tool('add_issue_comment', {
    title: 'Comment on an issue',
    description: 'Adds a comment to an issue or pull request, in GitHub Markdown. Needs GITHUB_TOKEN.',
    inputSchema: {
      owner: ownerInput,
      repo: repoInput,
      number: numberInput,
      body: z.string().min(1).max(65_536).describe('The comment text'),
    },
    outputSchema: { comment: commentSchema },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, guarded(env, 'add_issue_comment', async (a, ctx) => {
    const { data } = await env.api.send<unknown>({
      method: 'POST',
      path: `${repoPath(a.owner, a.repo)}/issues/${a.number}/comments`,
      body: { body: a.body },
      what: `commenting on issue #${a.number} in ${a.owner}/${a.repo}`,
      signal: ctx.signal,
    });
    const comment = toComment(data);
    return success(`Commented on #${a.number} in ${a.owner}/${a.repo}: ${comment.html_url}`, { comment });
  }, true));
}
