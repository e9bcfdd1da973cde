/**
 * Issues and comments as the tools return them: a compact shape read defensively out of GitHub's JSON (every
 * field is data from the network), their output schemas, and one-line text renderings.
 * @module
 */
import { z } from 'zod';

export const issueSummarySchema = z.object({
  number: z.number().int(),
  title: z.string(),
  state: z.string(),
  state_reason: z.string().nullable(),
  labels: z.array(z.string()),
  assignees: z.array(z.string()),
  author: z.string().nullable(),
  comments: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
  closed_at: z.string().nullable(),
  html_url: z.string(),
  is_pull_request: z.boolean(),
});

export const issueSchema = issueSummarySchema.extend({
  body: z.string().nullable(),
  milestone: z.string().nullable(),
  locked: z.boolean(),
});

export const commentSchema = z.object({
  id: z.number().int(),
  author: z.string().nullable(),
  body: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  html_url: z.string(),
});

export type IssueSummary = z.infer<typeof issueSummarySchema>;
export type Issue = z.infer<typeof issueSchema>;
export type Comment = z.infer<typeof commentSchema>;

type Raw = Record<string, unknown>;

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const strOrNull = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
const login = (v: unknown): string | null => strOrNull((v as Raw | null)?.login);
const obj = (v: unknown): Raw => (typeof v === 'object' && v !== null ? (v as Raw) : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The summary of one issue from GitHub's issue JSON (list, search and single-issue answers alike). */
export function toSummary(raw: unknown): IssueSummary {
  const r = obj(raw);
  return {
    number: int(r.number),
    title: str(r.title),
    state: str(r.state),
    state_reason: strOrNull(r.state_reason),
    // Labels come as objects in REST answers, as plain names in some older payloads.
    labels: list(r.labels).map((l) => (typeof l === 'string' ? l : str(obj(l).name))).filter((n) => n !== ''),
    assignees: list(r.assignees).map(login).filter((n): n is string => n !== null),
    author: login(r.user),
    comments: int(r.comments),
    created_at: str(r.created_at),
    updated_at: str(r.updated_at),
    closed_at: strOrNull(r.closed_at),
    html_url: str(r.html_url),
    is_pull_request: r.pull_request !== undefined && r.pull_request !== null,
  };
}

/** The full issue: the summary plus body, milestone title and lock state. */
export function toIssue(raw: unknown): Issue {
  const r = obj(raw);
  return { ...toSummary(r), body: strOrNull(r.body), milestone: strOrNull(obj(r.milestone).title), locked: r.locked === true };
}

export function toComment(raw: unknown): Comment {
  const r = obj(raw);
  return { id: int(r.id), author: login(r.user), body: str(r.body), created_at: str(r.created_at), updated_at: str(r.updated_at), html_url: str(r.html_url) };
}

/** `#12 [open] Crash on start (labels: bug; assignees: ann; 3 comments)`; titles are quoted as the data they are. */
export function summaryLine(issue: IssueSummary): string {
  const state = issue.state_reason && issue.state === 'closed' ? `${issue.state}: ${issue.state_reason}` : issue.state;
  const extras = [
    issue.is_pull_request ? 'pull request' : '',
    issue.labels.length ? `labels: ${issue.labels.join(', ')}` : '',
    issue.assignees.length ? `assignees: ${issue.assignees.join(', ')}` : '',
    `${issue.comments} comment${issue.comments === 1 ? '' : 's'}`,
  ].filter(Boolean);
  return `#${issue.number} [${state}] ${JSON.stringify(issue.title)} (${extras.join('; ')})`;
}

/** The issue and its comments as text: a header, the body, then each comment under its author and date. */
export function issueText(issue: Issue, comments: readonly Comment[]): string {
  const lines = [summaryLine(issue), `author: ${issue.author ?? 'unknown'}, created ${issue.created_at}, updated ${issue.updated_at}`, issue.html_url, ''];
  lines.push(issue.body?.trim() ? issue.body : '(no description)');
  for (const c of comments) lines.push('', `--- comment ${c.id} by ${c.author ?? 'unknown'} at ${c.created_at}`, c.body);
  return lines.join('\n');
}
