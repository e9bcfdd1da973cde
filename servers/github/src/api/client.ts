/**
 * `GitHubApi`: the REST wire. One request at a time with a timeout and the caller's cancellation, JSON in and
 * out, errors as GitHubError, and pagination that follows only same-origin `Link` next pages, up to a cap.
 * @module
 */
import { GitHubError, errorFromResponse } from './errors.js';
import { isFollowable, nextLink, pageNumber } from './link.js';

/** The page cap: no listing follows more `Link` next pages than this, whatever the caller asks. */
export const MAX_PAGES = 10;
const MAX_BODY_BYTES = 8 * 1024 * 1024;

/** Options of {@link GitHubApi}. */
export interface GitHubApiOptions {
  /** The REST root, e.g. `https://api.github.com` or `https://ghe.example.com/api/v3`. */
  apiUrl: string;
  /** Sent as a bearer token; never logged and never part of a message. */
  token: string | undefined;
  /** Per request, including reading the body. */
  timeoutMs: number;
  userAgent: string;
  /** Replaceable for embedding; the global fetch by default. */
  fetch?: typeof fetch;
}

/** One REST call. `what` says what it does, for messages: `getting issue #5 in octo/hello`. */
export interface ApiCall {
  method?: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  what: string;
  signal: AbortSignal;
}

/** Items gathered across pages, and where to continue. */
export interface Paged<T, F> {
  items: T[];
  /** The first page's parsed body (search results carry `total_count` there). */
  first: F;
  pagesFetched: number;
  /** The `page` to ask for next, or null when GitHub announced no further page. */
  nextPage: number | null;
}

/** Reads at most `max` bytes of a body; more is a BAD_RESPONSE rather than unbounded memory. */
async function readBounded(response: Response, max: number, what: string): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new GitHubError('BAD_RESPONSE', `GitHub's answer was larger than ${max} bytes while ${what}; narrow the request.`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The GitHub REST API as the tools use it. */
export class GitHubApi {
  readonly #root: URL;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;

  constructor(options: GitHubApiOptions) {
    this.#root = new URL(`${options.apiUrl.replace(/\/+$/, '')}/`);
    this.#token = options.token === '' ? undefined : options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#fetch = options.fetch ?? fetch;
    this.#headers = {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': options.userAgent,
    };
  }

  /** Whether a token is configured (writes need one). */
  get hasToken(): boolean {
    return this.#token !== undefined;
  }

  /** The API origin, for messages. */
  get origin(): string {
    return this.#root.origin;
  }

  /** `text` with every occurrence of the token replaced: the last guard before a message leaves the process. */
  redact(text: string): string {
    return this.#token === undefined || this.#token.length < 4 ? text : text.split(this.#token).join('[redacted]');
  }

  /** The absolute URL of `path` under the API root, with the defined query parameters. */
  url(path: string, query: ApiCall['query'] = {}): URL {
    const url = new URL(path.replace(/^\/+/, ''), this.#root);
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    return url;
  }

  /**
   * One request; resolves with the parsed body and the next-page link.
   * @throws GitHubError for any non-2xx answer, a network failure, a timeout or a body that is not JSON.
   */
  async send<T>(call: ApiCall, url = this.url(call.path, call.query)): Promise<{ data: T; next: URL | undefined }> {
    const method = call.method ?? 'GET';
    const headers: Record<string, string> = { ...this.#headers };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let status: number;
    let responseHeaders: Headers;
    let text: string;
    try {
      // redirect: 'manual' because a redirect is a server-supplied URL; following it could carry the token away.
      const response = await this.#fetch(url, {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: AbortSignal.any([call.signal, timeout]),
        redirect: 'manual',
      });
      status = response.status;
      responseHeaders = response.headers;
      text = await readBounded(response, MAX_BODY_BYTES, call.what);
    } catch (error) {
      if (GitHubError.is(error) || call.signal.aborted) throw error;
      if (timeout.aborted) {
        throw new GitHubError('TIMEOUT', `GitHub did not answer within ${this.#timeoutMs / 1000} seconds while ${call.what} (${method} ${url.pathname}); try again later.`, { cause: error });
      }
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : String(error);
      throw new GitHubError('NETWORK_ERROR', `Could not reach the GitHub API at ${this.origin} while ${call.what} (${method} ${url.pathname}): ${this.redact(why)}.`, { cause: error });
    }
    const body = parseJson(text);
    if (status < 200 || status > 299) throw errorFromResponse(status, responseHeaders, body, { what: call.what, hasToken: this.hasToken });
    if (body === undefined) throw new GitHubError('BAD_RESPONSE', `GitHub's answer (HTTP ${status}) was not JSON while ${call.what}.`, { status });
    return { data: body as T, next: nextLink(responseHeaders.get('link'), url) };
  }

  /**
   * GETs up to `pages` pages (capped at {@link MAX_PAGES}), following `Link: rel="next"` only while it stays on
   * the API root's origin and path; `pick` takes the items out of one page's body.
   * @throws GitHubError as {@link send}; an error on a later page fails the whole listing.
   */
  async paginate<T, F = unknown>(call: ApiCall, pages: number, pick: (body: F) => T[]): Promise<Paged<T, F>> {
    const limit = Math.max(1, Math.min(MAX_PAGES, Math.floor(pages)));
    let url: URL | undefined = this.url(call.path, call.query);
    const items: T[] = [];
    let first: F | undefined;
    let fetched = 0;
    let next: URL | undefined;
    while (url !== undefined && fetched < limit) {
      const page: { data: F; next: URL | undefined } = await this.send<F>(call, url);
      fetched++;
      first ??= page.data;
      const got = pick(page.data);
      if (!Array.isArray(got)) throw new GitHubError('BAD_RESPONSE', `GitHub's answer did not hold a list while ${call.what}.`);
      items.push(...got);
      next = page.next;
      if (next !== undefined && !isFollowable(next, this.#root)) {
        console.error(`mcpkit-github: not following a next-page link off the API root while ${call.what}`);
        next = undefined;
      }
      url = next;
    }
    return { items, first: first as F, pagesFetched: fetched, nextPage: pageNumber(next) };
  }
}
