/**
 * Reading tools: list_issues, search_issues, get_issue.
 * @module
 */
import type { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import { MAX_PAGES, type Paged } from '../api/client.js';
import { type Comment, commentSchema, issueSchema, issueSummarySchema, issueText, summaryLine, toComment, toIssue, toSummary } from '../issues.js';
import { type ToolEnv, guarded, numberInput, ownerInput, repoInput, repoPath, success } from './kit.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;
/** How many comments get_issue gathers at most: 100 per page. */
const COMMENT_PAGES = 3;

const paging = {
  per_page: z.number().int().min(1).max(100).default(30).describe('Results per page, 1 to 100 (GitHub default 30)'),
  page: z.number().int().min(1).default(1).describe('The page to start from; next_page of a previous answer continues it'),
  pages: z.number().int().min(1).max(MAX_PAGES).default(1).describe(`How many pages to fetch, following GitHub's next links (1 to ${MAX_PAGES})`),
};

const listed = {
  issues: z.array(issueSummarySchema),
  count: z.number().int(),
  pages_fetched: z.number().int(),
  next_page: z.number().int().nullable(),
};

/** The text and structured content of one listing; `header` says what was listed. */
function listing(header: string, paged: Paged<unknown, unknown>) {
  const issues = paged.items.map(toSummary);
  const more = paged.nextPage === null ? 'no more pages' : `more from page ${paged.nextPage}`;
  const lines = issues.length ? issues.map(summaryLine) : ['(none)'];
  return {
    text: `${header}: ${issues.length} (${paged.pagesFetched} page${paged.pagesFetched === 1 ? '' : 's'}, ${more})\n${lines.join('\n')}`,
    structured: { issues, count: issues.length, pages_fetched: paged.pagesFetched, next_page: paged.nextPage },
  };
}

/** Adds `is:issue` unless the query already says which kind it wants (search/issues needs one of them). */
export function searchQuery(query: string, owner?: string, repo?: string): string {
  let q = query.trim();
  if (owner && repo) q += ` repo:${owner}/${repo}`;
  if (!/(^|\s)-?(is|type):(issue|pr|pull-request)\b/i.test(q)) q += ' is:issue';
  return q;
}

/** Registers the reading tools. */
export function registerReadTools(server: McpServer, env: ToolEnv): void {
  server.tool('list_issues', {
    title: 'List issues',
    description:
      "Lists a repository's issues, newest first by default, filtered by state, labels (all must match), assignee or creator. " +
      'GitHub counts pull requests as issues; they are included and flagged is_pull_request. ' +
      'Each issue comes without its body: call get_issue for the body and comments.',
    inputSchema: {
      owner: ownerInput,
      repo: repoInput,
      state: z.enum(['open', 'closed', 'all']).default('open').describe('Which issues: open (default), closed or all'),
      labels: z.array(z.string().min(1)).optional().describe('Label names; only issues carrying every one of them'),
      assignee: z.string().min(1).optional().describe('A login; "none" for unassigned issues, "*" for assigned ones'),
      creator: z.string().min(1).optional().describe('Login of the user who opened the issues'),
      sort: z.enum(['created', 'updated', 'comments']).default('created').describe('Sort field'),
      direction: z.enum(['asc', 'desc']).default('desc').describe('Sort direction'),
      since: z.iso.datetime({ offset: true }).optional().describe('Only issues updated at or after this ISO 8601 time'),
      ...paging,
    },
    outputSchema: listed,
    annotations: READ_ONLY,
  }, guarded(env, 'list_issues', async (a, ctx) => {
    const paged = await env.api.paginate(
      {
        path: `${repoPath(a.owner, a.repo)}/issues`,
        query: { state: a.state, labels: a.labels?.join(','), assignee: a.assignee, creator: a.creator, sort: a.sort, direction: a.direction, since: a.since, per_page: a.per_page, page: a.page },
        what: `listing the issues of ${a.owner}/${a.repo}`,
        signal: ctx.signal,
      },
      a.pages,
      (body: unknown[]) => body,
    );
    const { text, structured } = listing(`Issues in ${a.owner}/${a.repo} (${a.state})`, paged);
    return success(text, structured);
  }));

  server.tool('search_issues', {
    title: 'Search issues',
    description:
      'Searches issues across GitHub with the GitHub search syntax, e.g. "crash in:title label:bug is:open", "author:octocat", ' +
      '"comments:>10", "created:>2024-01-01". With owner and repo, repo:owner/repo is added. "is:issue" is added unless the query ' +
      'says is:issue, is:pr or type:. Search returns at most 1,000 results in all.',
    inputSchema: {
      query: z.string().min(1).max(256).describe('GitHub search query (at most 256 characters)'),
      owner: ownerInput.optional().describe('With repo: limit the search to this repository'),
      repo: repoInput.optional().describe('With owner: limit the search to this repository'),
      sort: z.enum(['comments', 'reactions', 'created', 'updated', 'interactions']).optional().describe('Sort field; best match when absent'),
      order: z.enum(['asc', 'desc']).default('desc').describe('Sort order, when sort is given'),
      ...paging,
    },
    outputSchema: { ...listed, query: z.string(), total_count: z.number().int(), incomplete_results: z.boolean() },
    annotations: READ_ONLY,
  }, guarded(env, 'search_issues', async (a, ctx) => {
    if ((a.owner === undefined) !== (a.repo === undefined)) {
      return { isError: true, content: [{ type: 'text', text: 'search_issues: give owner and repo together, or neither.' }] };
    }
    const q = searchQuery(a.query, a.owner, a.repo);
    const paged = await env.api.paginate(
      { path: '/search/issues', query: { q, sort: a.sort, order: a.sort ? a.order : undefined, per_page: a.per_page, page: a.page }, what: `searching ${JSON.stringify(q)}`, signal: ctx.signal },
      a.pages,
      (body: { items?: unknown[] }) => body.items as unknown[],
    );
    const first = paged.first as { total_count?: unknown; incomplete_results?: unknown };
    const total = typeof first.total_count === 'number' ? first.total_count : paged.items.length;
    const incomplete = first.incomplete_results === true;
    const { text, structured } = listing(`Search ${JSON.stringify(q)}: ${total} match${total === 1 ? '' : 'es'}${incomplete ? ' (incomplete: GitHub timed out)' : ''}, returned`, paged);
    return success(text, { ...structured, query: q, total_count: total, incomplete_results: incomplete });
  }));

  server.tool('get_issue', {
    title: 'Get an issue',
    description: `Gets one issue (or pull request) with its body and, by default, its comments (oldest first, at most ${COMMENT_PAGES * 100}).`,
    inputSchema: {
      owner: ownerInput,
      repo: repoInput,
      number: numberInput,
      include_comments: z.boolean().default(true).describe('Also fetch the comments (default true)'),
    },
    outputSchema: { issue: issueSchema, comments: z.array(commentSchema), comments_truncated: z.boolean() },
    annotations: READ_ONLY,
  }, guarded(env, 'get_issue', async (a, ctx) => {
    const got = await fetchIssue(env, a.owner, a.repo, a.number, a.include_comments, ctx.signal);
    return success(issueText(got.issue, got.comments), got);
  }));
}

/**
 * An issue and (optionally) its comments; shared with the issue resource.
 * @throws GitHubError as GitHubApi.send.
 */
export async function fetchIssue(env: ToolEnv, owner: string, repo: string, number: number, withComments: boolean, signal: AbortSignal) {
  const what = `issue #${number} in ${owner}/${repo}`;
  const getting = `getting ${what}`;
  const path = `${repoPath(owner, repo)}/issues/${number}`;
  const { data } = await env.api.send<unknown>({ path, what: getting, signal });
  const issue = toIssue(data);
  let comments: Comment[] = [];
  let truncated = false;
  if (withComments && issue.comments > 0) {
    const paged = await env.api.paginate({ path: `${path}/comments`, query: { per_page: 100 }, what: `getting the comments of ${what}`, signal }, COMMENT_PAGES, (body: unknown[]) => body);
    comments = paged.items.map(toComment);
    truncated = paged.nextPage !== null;
  }
  return { issue, comments, comments_truncated: truncated };
}
