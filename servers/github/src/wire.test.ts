/**
 * mcpkit-github on the REST wire: Link pagination and its cap, rate limits, redirects, tokens, timeouts and
 * network failures, with the built binary over stdio against the loopback stand-in.
 * @module
 */
import { type Server, createServer } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TOKEN } from './testing/fixtures.js';
import { type Connection, connectStdio, structured, textOf } from './testing/harness.js';
import { RESET_EPOCH, type StandIn, startStandIn } from './testing/stand-in.js';

let gh: StandIn;
beforeAll(async () => {
  gh = await startStandIn();
});
afterAll(() => gh?.close());
beforeEach(() => {
  gh.reset();
  gh.requests.length = 0;
});

async function until(done: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!done()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

type Listed = { issues: Array<{ number: number }>; count: number; pages_fetched: number; next_page: number | null };
const numbers = (s: Listed) => s.issues.map((i) => i.number);

describe('with a token', () => {
  let conn: Connection;
  let elsewhere: Server;
  let elsewhereHits = 0;
  beforeAll(async () => {
    conn = await connectStdio(['--api-url', gh.url], TOKEN);
    elsewhere = createServer((_req, res) => {
      elsewhereHits++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('[]');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await conn?.close();
    await new Promise<void>((resolve) => elsewhere.close(() => resolve()));
  });
  const call = (name: string, args: Record<string, unknown>) => conn.client.callTool(name, args);

  it('follows Link next pages (GitHub\'s /repositories/{id} URLs) up to the pages asked for', async () => {
    const two = await call('list_issues', { owner: 'octo', repo: 'many', per_page: 3, pages: 2 });
    const s = structured<Listed>(two);
    expect(numbers(s)).toEqual([7, 6, 5, 4, 3, 2]);
    expect(s).toMatchObject({ count: 6, pages_fetched: 2, next_page: 3 });
    expect(textOf(two).split('\n')[0]).toBe('Issues in octo/many (open): 6 (2 pages, more from page 3)');
    expect(gh.requests.map((r) => r.url)).toEqual([
      '/repos/octo/many/issues?state=open&sort=created&direction=desc&per_page=3&page=1',
      '/repositories/102/issues?state=open&sort=created&direction=desc&per_page=3&page=2',
    ]);
    // Every page carries the token: the next link was on the API's own origin.
    expect(gh.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);

    const rest = structured<Listed>(await call('list_issues', { owner: 'octo', repo: 'many', per_page: 3, page: 3 }));
    expect(rest).toMatchObject({ count: 1, pages_fetched: 1, next_page: null });
    expect(numbers(rest)).toEqual([1]);

    const all = structured<Listed>(await call('list_issues', { owner: 'octo', repo: 'many', per_page: 3, pages: 10 }));
    expect(all).toMatchObject({ count: 7, pages_fetched: 3, next_page: null });
  });

  it('caps pages at 10', async () => {
    const result = await call('list_issues', { owner: 'octo', repo: 'many', pages: 11 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('Invalid arguments for tool list_issues: arguments.pages: Too big: expected number to be <=10');
    const capped = structured<Listed>(await call('list_issues', { owner: 'octo', repo: 'many', per_page: 1, pages: 10 }));
    expect(capped).toMatchObject({ count: 7, pages_fetched: 7, next_page: null });
  });

  it('paginates search results too', async () => {
    const result = structured<Listed & { total_count: number }>(await call('search_issues', { query: 'Issue', owner: 'octo', repo: 'many', per_page: 2, pages: 2 }));
    expect(result).toMatchObject({ total_count: 7, count: 4, pages_fetched: 2, next_page: 3 });
    expect(gh.requests[1]!.url).toBe('/search/issues?q=Issue+repo%3Aocto%2Fmany+is%3Aissue&per_page=2&page=2');
  });

  it('never follows a next link to another origin', async () => {
    gh.evilOrigin = `http://127.0.0.1:${(elsewhere.address() as { port: number }).port}`;
    const result = await call('list_issues', { owner: 'octo', repo: 'evil-links', per_page: 1, pages: 3 });
    expect(structured<Listed>(result)).toMatchObject({ count: 1, pages_fetched: 1, next_page: null });
    expect(elsewhereHits).toBe(0);
    expect(conn.stderr()).toContain('mcpkit-github: not following a next-page link off the API root while listing the issues of octo/evil-links');
  });

  it('says when to retry after the primary rate limit (403, x-ratelimit-remaining: 0)', async () => {
    const result = await call('list_issues', { owner: 'octo', repo: 'limited' });
    expect(result.isError).toBe(true);
    const when = new Date(RESET_EPOCH * 1000).toISOString().replace('.000Z', 'Z');
    expect(when).toBe('2100-01-01T00:00:00Z');
    expect(textOf(result)).toMatch(
      new RegExp(
        `^Rate limited by GitHub \\(HTTP 403\\) while listing the issues of octo/limited: the core rate limit of 5000 requests is used up; retry after ${when} \\(in \\d+ seconds\\)\\.$`,
      ),
    );
    expect(gh.requests).toHaveLength(1);
  });

  it('says when to retry after a secondary rate limit (429, retry-after)', async () => {
    const result = await call('get_issue', { owner: 'octo', repo: 'throttled', number: 1 });
    expect(textOf(result)).toMatch(
      /^Rate limited by GitHub \(HTTP 429\) while getting issue #1 in octo\/throttled: a secondary rate limit was hit \(too many requests too fast\); retry after 42 seconds \(at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\.$/,
    );
  });

  it('does not follow a redirect: a renamed repository is an error naming the cause', async () => {
    const result = await call('get_issue', { owner: 'octo', repo: 'old-name', number: 1 });
    expect(textOf(result)).toBe('GitHub answered HTTP 301 (a redirect, not followed) while getting issue #1 in octo/old-name: the repository was probably renamed or transferred; use its new name.');
    expect(gh.requests.map((r) => r.url)).toEqual(['/repos/octo/old-name/issues/1']);
  });
});

describe('without a token', () => {
  let conn: Connection;
  beforeAll(async () => {
    conn = await connectStdio(['--api-url', gh.url]);
  });
  afterAll(() => conn?.close());

  it('reads anonymously, sending no Authorization header', async () => {
    const result = await conn.client.callTool('get_issue', { owner: 'octo', repo: 'hello', number: 2, include_comments: false });
    expect(structured(result)).toMatchObject({ issue: { number: 2, title: 'Document the --http flag' } });
    expect(gh.requests[0]!.headers.authorization).toBeUndefined();
    expect(conn.stderr()).toContain('no GITHUB_TOKEN: anonymous reads, writes refused');
  });

  it('refuses every write before calling GitHub', async () => {
    for (const [tool, args] of [
      ['create_issue', { owner: 'octo', repo: 'hello', title: 'x' }],
      ['update_issue', { owner: 'octo', repo: 'hello', number: 1, title: 'x' }],
      ['close_issue', { owner: 'octo', repo: 'hello', number: 1 }],
      ['add_issue_comment', { owner: 'octo', repo: 'hello', number: 1, body: 'x' }],
    ] as const) {
      const result = await conn.client.callTool(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(textOf(result)).toBe(
        `${tool} changes GitHub and needs a token: set GITHUB_TOKEN (a fine-grained token with "Issues: read and write" on the repository, ` +
          'or a classic token with the repo scope) and restart the server.',
      );
    }
    expect(gh.requests).toEqual([]);
  });

  it('points an anonymous caller at GITHUB_TOKEN when rate limited', async () => {
    const result = await conn.client.callTool('list_issues', { owner: 'octo', repo: 'throttled' });
    expect(textOf(result)).toMatch(/Anonymous requests have a low limit; setting GITHUB_TOKEN raises it\.$/);
  });
});

describe('with a rejected token', () => {
  it('says the token was rejected, without showing it', async () => {
    const bad = 'ghp_thisTokenIsWrong000000000000000000';
    const conn = await connectStdio(['--api-url', gh.url], bad);
    try {
      const result = await conn.client.callTool('list_issues', { owner: 'octo', repo: 'hello' });
      expect(textOf(result)).toBe(
        'GitHub rejected the token in GITHUB_TOKEN (HTTP 401) while listing the issues of octo/hello: it is invalid, expired or revoked. GitHub said: "Bad credentials".',
      );
      expect(conn.stderr()).not.toContain(bad);
    } finally {
      await conn.close();
    }
  });
});

describe('GitHub Enterprise Server', () => {
  it('puts every request, next pages included, under the --api-url path', async () => {
    const conn = await connectStdio(['--api-url', `${gh.url}/api/v3/`], TOKEN);
    try {
      const listed = structured<Listed>(await conn.client.callTool('list_issues', { owner: 'octo', repo: 'many', per_page: 4, pages: 2 }));
      expect(listed).toMatchObject({ count: 7, pages_fetched: 2, next_page: null });
      await conn.client.callTool('get_issue', { owner: 'octo', repo: 'hello', number: 1 });
      expect(gh.requests.map((r) => r.url)).toEqual([
        '/api/v3/repos/octo/many/issues?state=open&sort=created&direction=desc&per_page=4&page=1',
        '/api/v3/repositories/102/issues?state=open&sort=created&direction=desc&per_page=4&page=2',
        '/api/v3/repos/octo/hello/issues/1',
        '/api/v3/repos/octo/hello/issues/1/comments?per_page=100',
      ]);
    } finally {
      await conn.close();
    }
  });
});

describe('timeouts and network failures', () => {
  it('gives up on a slow API after --timeout', async () => {
    const conn = await connectStdio(['--api-url', gh.url, '--timeout', '0.3'], TOKEN);
    try {
      const started = Date.now();
      const result = await conn.client.callTool('list_issues', { owner: 'octo', repo: 'slow' });
      expect(Date.now() - started).toBeLessThan(1800);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('GitHub did not answer within 0.3 seconds while listing the issues of octo/slow (GET /repos/octo/slow/issues); try again later.');
    } finally {
      await conn.close();
    }
  });

  it('aborts the GitHub request when the client cancels the call', async () => {
    const conn = await connectStdio(['--api-url', gh.url], TOKEN);
    try {
      const controller = new AbortController();
      const pending = conn.client.callTool('list_issues', { owner: 'octo', repo: 'slow' }, { signal: controller.signal });
      await until(() => gh.requests.length === 1);
      controller.abort();
      await expect(pending).rejects.toThrow();
      // The stand-in answers after 2 s; the connection closes long before.
      await until(() => gh.abandoned.length === 1, 1500);
      expect(gh.abandoned).toEqual(['/repos/octo/slow/issues']);
    } finally {
      gh.abandoned.length = 0;
      await conn.close();
    }
  });

  it('says which API it could not reach', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const conn = await connectStdio(['--api-url', `http://127.0.0.1:${port}`], TOKEN);
    try {
      const result = await conn.client.callTool('get_issue', { owner: 'octo', repo: 'hello', number: 1 });
      expect(textOf(result)).toBe(`Could not reach the GitHub API at http://127.0.0.1:${port} while getting issue #1 in octo/hello (GET /repos/octo/hello/issues/1): ECONNREFUSED.`);
    } finally {
      await conn.close();
    }
  });
});
