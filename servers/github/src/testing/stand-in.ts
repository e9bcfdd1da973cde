/**
 * A loopback GitHub REST stand-in (node:http on 127.0.0.1, port 0) speaking the real wire: JSON bodies shaped
 * as GitHub's, `Link` pagination through `/repositories/{id}/…` URLs, rate-limit headers, 401/404/410/422
 * errors with GitHub's bodies. Some repositories misbehave on purpose (see {@link REPOS}). Under `/api/v3` it
 * answers as a GitHub Enterprise Server would, links included. Not part of the build.
 * @module
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import {
  COLLABORATORS,
  type Json,
  LABELS,
  type StoredIssue,
  TOKEN,
  commentJson,
  helloIssues,
  issueJson,
  label,
  manyIssues,
} from './fixtures.js';

/** The repositories of owner `octo`, by name, and what is special about each. */
export const REPOS = {
  hello: 'issues, comments, a pull request, a closed and a deleted issue',
  many: 'seven plain issues, for pagination',
  limited: 'every request: 403 with x-ratelimit-remaining 0 (primary rate limit)',
  throttled: 'every request: 429 with retry-after 42 (secondary rate limit)',
  slow: 'every request answers after 2 seconds',
  'old-name': 'every request: 301 to /repositories/999 (renamed)',
  'evil-links': 'its issue list links the next page on another origin',
} as const;

/** The reset time the rate-limited repositories announce: 2100-01-01T00:00:00Z. */
export const RESET_EPOCH = 4_102_444_800;

/** One request as the stand-in saw it. */
export interface SeenRequest {
  method: string;
  /** Path and query. */
  url: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export interface StandIn {
  /** `http://127.0.0.1:PORT`, the value for --api-url. */
  readonly url: string;
  readonly requests: SeenRequest[];
  /** Paths of slow requests whose connection closed before the answer (the caller gave up). */
  readonly abandoned: string[];
  /** Where the evil-links repository points its next page (default: nowhere reachable). */
  evilOrigin: string;
  /** Restores the fixture data. */
  reset(): void;
  close(): Promise<void>;
}

const DOCS = 'https://docs.github.com/rest';
const IDS: Record<string, number> = { hello: 101, many: 102, 'evil-links': 103 };

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

const problem = (message: string, status: number, extra: Json = {}) => ({ message, documentation_url: DOCS, status: String(status), ...extra });

/** The `Link` header GitHub sends for page `page` of `last`, on the canonical `/repositories/{id}` path. */
function linkHeader(base: string, path: string, query: URLSearchParams, page: number, last: number): string {
  const at = (p: number) => {
    const q = new URLSearchParams(query);
    q.set('page', String(p));
    return `<${base}${path}?${q.toString()}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${at(page - 1)}; rel="prev"`);
  if (page < last) parts.push(`${at(page + 1)}; rel="next"`, `${at(last)}; rel="last"`);
  if (page > 1) parts.push(`${at(1)}; rel="first"`);
  return parts.join(', ');
}

/** Starts the stand-in. */
export async function startStandIn(): Promise<StandIn> {
  let repos: Record<string, StoredIssue[]> = {};
  let nextComment = 10_000;
  const reset = () => {
    repos = { hello: helloIssues(), many: manyIssues(7), 'evil-links': manyIssues(3) };
    nextComment = 10_000;
  };
  reset();
  const requests: SeenRequest[] = [];
  const abandoned: string[] = [];
  let remaining = 4999;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw === '' ? undefined : JSON.parse(raw);
      } catch {
        return send(res, 400, problem('Problems parsing JSON', 400));
      }
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
      route(req, res, body);
    });
  });

  function paginate(res: ServerResponse, url: URL, path: string, items: unknown[], wrap?: (page: unknown[]) => Json, linkRoot?: string): void {
    const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const link = linkHeader(linkRoot ?? root, path, url.searchParams, page, last);
    send(res, 200, wrap ? wrap(slice) : slice, link ? { link } : {});
  }

  /** The API root of the request being answered: GitHub Enterprise Server serves the API under /api/v3. */
  let root = '';

  function route(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const url = new URL(req.url ?? '/', standIn.url);
    const enterprise = url.pathname.startsWith('/api/v3/');
    if (enterprise) url.pathname = url.pathname.slice('/api/v3'.length);
    root = `${standIn.url}${enterprise ? '/api/v3' : ''}`;
    const auth = req.headers.authorization;
    const authed = auth === `Bearer ${TOKEN}`;
    res.setHeader('x-ratelimit-limit', authed ? '5000' : '60');
    res.setHeader('x-ratelimit-remaining', String(remaining > 0 ? remaining-- : 0));
    res.setHeader('x-ratelimit-reset', String(RESET_EPOCH));
    res.setHeader('x-ratelimit-used', '1');
    res.setHeader('x-ratelimit-resource', url.pathname.startsWith('/search/') ? 'search' : 'core');
    res.setHeader('x-github-api-version-selected', '2022-11-28');
    if (auth !== undefined && !authed) return send(res, 401, problem('Bad credentials', 401));

    if (req.method === 'GET' && url.pathname === '/search/issues') return search(res, url);
    const user = /^\/users\/([^/]+)\/repos$/.exec(url.pathname);
    if (req.method === 'GET' && user) {
      if (user[1] !== 'octo') return send(res, 404, problem('Not Found', 404));
      return send(res, 200, Object.keys(REPOS).map((name, k) => ({ id: 100 + k, name, full_name: `octo/${name}`, private: false })));
    }
    const m = /^\/(?:repos\/([^/]+)\/([^/]+)|repositories\/(\d+))(\/.*)?$/.exec(url.pathname);
    if (!m) return send(res, 404, problem('Not Found', 404));
    const name = m[3] === undefined ? (m[1] === 'octo' ? decodeURIComponent(m[2]!) : '') : (Object.keys(IDS).find((k) => IDS[k] === Number(m[3])) ?? '');
    const rest = m[4] ?? '';
    if (name === 'limited') {
      return send(res, 403, problem('API rate limit exceeded for user ID 1.', 403), { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(RESET_EPOCH) });
    }
    if (name === 'throttled') return send(res, 429, problem('You have exceeded a secondary rate limit.', 429), { 'retry-after': '42' });
    if (name === 'slow') {
      const timer = setTimeout(() => send(res, 200, []), 2000);
      res.on('close', () => {
        if (res.writableFinished) return;
        clearTimeout(timer);
        abandoned.push(url.pathname);
      });
      return;
    }
    if (name === 'old-name') {
      const location = `${root}/repositories/999${rest}`;
      return send(res, 301, { message: 'Moved Permanently', url: location, documentation_url: DOCS }, { location });
    }
    const issues = repos[name];
    if (!issues) return send(res, 404, problem('Not Found', 404));
    const path = `/repositories/${IDS[name]}`;
    const owner = 'octo';

    if (rest === '/labels' && req.method === 'GET') return send(res, 200, LABELS.map(label));
    if (rest === '/issues' && req.method === 'GET') {
      const list = listIssues(issues, url.searchParams).map((i) => issueJson(owner, name, i));
      return paginate(res, url, `${path}/issues`, list, undefined, name === 'evil-links' ? standIn.evilOrigin : undefined);
    }
    if (rest === '/issues' && req.method === 'POST') {
      if (!authed) return send(res, 401, problem('Requires authentication', 401));
      const b = (body ?? {}) as Json;
      if (typeof b.title !== 'string' || b.title === '') return send(res, 422, problem('Invalid request.\n\n"title" wasn\'t supplied.', 422));
      const bad = checkAssignees(b.assignees);
      if (bad) return send(res, 422, bad);
      const issue: StoredIssue = {
        number: Math.max(...issues.map((i) => i.number)) + 1,
        title: b.title,
        body: typeof b.body === 'string' ? b.body : null,
        state: 'open',
        state_reason: null,
        labels: Array.isArray(b.labels) ? (b.labels as string[]) : [],
        assignees: Array.isArray(b.assignees) ? (b.assignees as string[]) : [],
        author: 'octocat',
        created_at: '2026-12-04T12:00:00Z',
        updated_at: '2026-12-04T12:00:00Z',
        closed_at: null,
        comments: [],
      };
      issues.push(issue);
      return send(res, 201, issueJson(owner, name, issue), { location: `https://api.github.com/repos/${owner}/${name}/issues/${issue.number}` });
    }
    const one = /^\/issues\/(\d+)(\/comments)?$/.exec(rest);
    const issue = one ? issues.find((i) => i.number === Number(one[1])) : undefined;
    if (!one || !issue) return send(res, 404, problem('Not Found', 404));
    if (issue.deleted) return send(res, 410, problem('This issue was deleted', 410));
    if (one[2] && req.method === 'GET') {
      const comments = issue.comments.map((c) => commentJson(owner, name, issue.number, c));
      return paginate(res, url, `${path}/issues/${issue.number}/comments`, comments);
    }
    if (one[2] && req.method === 'POST') {
      if (!authed) return send(res, 401, problem('Requires authentication', 401));
      const text = (body as Json | undefined)?.body;
      if (typeof text !== 'string' || text === '') {
        return send(res, 422, problem('Validation Failed', 422, { errors: [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }] }));
      }
      const comment = { id: nextComment++, author: 'octocat', body: text, created_at: '2026-12-04T12:00:00Z' };
      issue.comments.push(comment);
      return send(res, 201, commentJson(owner, name, issue.number, comment));
    }
    if (!one[2] && req.method === 'GET') return send(res, 200, issueJson(owner, name, issue));
    if (!one[2] && req.method === 'PATCH') {
      if (!authed) return send(res, 401, problem('Requires authentication', 401));
      const b = (body ?? {}) as Json;
      const bad = checkAssignees(b.assignees);
      if (bad) return send(res, 422, bad);
      if (b.state !== undefined && b.state !== 'open' && b.state !== 'closed') {
        return send(res, 422, problem('Validation Failed', 422, { errors: [{ resource: 'Issue', code: 'invalid', field: 'state', value: b.state }] }));
      }
      if (typeof b.title === 'string') issue.title = b.title;
      if (typeof b.body === 'string') issue.body = b.body;
      if (Array.isArray(b.labels)) issue.labels = b.labels as string[];
      if (Array.isArray(b.assignees)) issue.assignees = b.assignees as string[];
      if (b.state === 'closed' && issue.state === 'open') {
        issue.state = 'closed';
        issue.closed_at = '2026-12-04T12:00:00Z';
        issue.state_reason = typeof b.state_reason === 'string' ? b.state_reason : 'completed';
      } else if (b.state === 'open' && issue.state === 'closed') {
        issue.state = 'open';
        issue.closed_at = null;
        issue.state_reason = 'reopened';
      } else if (typeof b.state_reason === 'string' && b.state === undefined) {
        issue.state_reason = b.state_reason;
      }
      issue.updated_at = '2026-12-04T12:00:00Z';
      return send(res, 200, issueJson(owner, name, issue));
    }
    send(res, 404, problem('Not Found', 404));
  }

  function search(res: ServerResponse, url: URL): void {
    const q = url.searchParams.get('q') ?? '';
    const words = q.split(/\s+/).filter(Boolean);
    if (!words.some((w) => /^(is|type):(issue|pr|pull-request)$/.test(w))) {
      return send(res, 422, problem('Validation Failed', 422, { errors: [{ message: "Query must include 'is:issue' or 'is:pull-request'", resource: 'Search', field: 'q', code: 'invalid' }] }));
    }
    const repo = words.find((w) => w.startsWith('repo:'))?.slice(5);
    const found: Json[] = [];
    for (const [name, issues] of Object.entries(repos)) {
      if (repo !== undefined && repo !== `octo/${name}`) continue;
      for (const i of issues) {
        if (i.deleted || !words.every((w) => matches(i, w))) continue;
        found.push({ ...issueJson('octo', name, i), score: 1 });
      }
    }
    found.sort((a, b) => (b.number as number) - (a.number as number));
    paginate(res, url, '/search/issues', found, (items) => ({ total_count: found.length, incomplete_results: false, items }));
  }

  const standIn: StandIn = {
    url: '',
    requests,
    abandoned,
    evilOrigin: 'http://127.0.0.1:9',
    reset,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (standIn as { url: string }).url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return standIn;
}

/** GET /repos/{o}/{r}/issues filtering and sorting, as GitHub documents them. */
function listIssues(all: StoredIssue[], q: URLSearchParams): StoredIssue[] {
  const state = q.get('state') ?? 'open';
  const labels = (q.get('labels') ?? '').split(',').filter(Boolean);
  const assignee = q.get('assignee');
  const creator = q.get('creator');
  const since = q.get('since');
  const sort = q.get('sort') ?? 'created';
  const asc = q.get('direction') === 'asc';
  const list = all.filter(
    (i) =>
      !i.deleted &&
      (state === 'all' || i.state === state) &&
      labels.every((l) => i.labels.includes(l)) &&
      (assignee === null || (assignee === 'none' ? i.assignees.length === 0 : assignee === '*' ? i.assignees.length > 0 : i.assignees.includes(assignee))) &&
      (creator === null || i.author === creator) &&
      (since === null || Date.parse(i.updated_at) >= Date.parse(since)),
  );
  const key = (i: StoredIssue) => (sort === 'updated' ? i.updated_at : sort === 'comments' ? String(i.comments.length).padStart(6, '0') : i.created_at);
  return list.sort((a, b) => (asc ? 1 : -1) * key(a).localeCompare(key(b)));
}

function matches(i: StoredIssue, word: string): boolean {
  const [qualifier, value] = word.includes(':') ? [word.slice(0, word.indexOf(':')), word.slice(word.indexOf(':') + 1)] : ['', word];
  if (qualifier === 'repo') return true;
  if (qualifier === 'is' || qualifier === 'type') {
    if (value === 'open' || value === 'closed') return i.state === value;
    return value === 'issue' ? !i.pull_request : Boolean(i.pull_request);
  }
  if (qualifier === 'label') return i.labels.includes(value);
  if (qualifier === 'author') return i.author === value;
  return i.title.toLowerCase().includes(value.toLowerCase()) || (i.body ?? '').toLowerCase().includes(value.toLowerCase());
}

/** GitHub's 422 for an assignee who cannot be assigned. */
function checkAssignees(assignees: unknown): Json | undefined {
  if (!Array.isArray(assignees)) return undefined;
  const bad = assignees.find((a) => !COLLABORATORS.includes(String(a)));
  if (bad === undefined) return undefined;
  return problem('Validation Failed', 422, { errors: [{ value: bad, resource: 'Issue', field: 'assignees', code: 'invalid' }] });
}
