/**
 * GitHub REST failures as safe, specific messages: what was asked for, what GitHub said, and what to do next.
 * A message never carries the token, a header value other than the rate-limit ones, or a stack.
 * @module
 */

const brand = Symbol.for('mcpkit.server-github.GitHubError');

/** Why a call failed; stable strings that tests and logs can rely on. */
export type GitHubErrorCode =
  | 'NO_TOKEN'
  | 'BAD_CREDENTIALS'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'NOT_FOUND'
  | 'GONE'
  | 'VALIDATION_FAILED'
  | 'MOVED'
  | 'UPSTREAM_ERROR'
  | 'BAD_RESPONSE'
  | 'NETWORK_ERROR'
  | 'TIMEOUT';

/** A failure a tool reports as an `isError` result; its message is safe to show the client. */
export class GitHubError extends Error {
  override readonly name = 'GitHubError';
  readonly code: GitHubErrorCode;
  /** The HTTP status GitHub answered with, when it answered. */
  readonly status: number | undefined;

  constructor(code: GitHubErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
    Object.defineProperty(this, brand, { value: true });
  }

  /** True for a GitHubError from any loaded copy of this package. */
  static is(value: unknown): value is GitHubError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }
}

/** One entry of a 422's `errors` array (docs.github.com "Client errors"); some entries are plain strings. */
interface ValidationEntry {
  resource?: unknown;
  field?: unknown;
  code?: unknown;
  message?: unknown;
  value?: unknown;
}

/** Server text shown to the client is cut short: it is data from the network, not ours to relay at length. */
function clip(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** GitHub's own `message`, when the body has one. */
function messageOf(body: unknown): string | undefined {
  const m = (body as { message?: unknown } | null)?.message;
  return typeof m === 'string' && m.trim() !== '' ? clip(m) : undefined;
}

const CODE_WORDS: Record<string, string> = {
  missing: 'does not exist',
  missing_field: 'is required',
  invalid: 'is invalid',
  already_exists: 'already exists',
  unprocessable: 'could not be processed',
};

/** `labels: is invalid; assignees: "ghost" is invalid` from a 422's `errors` array. */
function describeValidation(errors: unknown): string {
  if (!Array.isArray(errors)) return '';
  const parts = errors.slice(0, 10).map((raw: unknown) => {
    if (typeof raw === 'string') return clip(raw);
    const e = (raw ?? {}) as ValidationEntry;
    if (typeof e.message === 'string' && e.message.trim() !== '') return clip(e.message);
    const field = typeof e.field === 'string' ? e.field : typeof e.resource === 'string' ? e.resource : 'request';
    const value = typeof e.value === 'string' || typeof e.value === 'number' ? ` ${JSON.stringify(e.value)}` : '';
    const code = typeof e.code === 'string' ? (CODE_WORDS[e.code] ?? e.code) : 'is invalid';
    return clip(`${field}:${value} ${code}`);
  });
  return parts.join('; ');
}

/** `2026-12-04T21:30:00Z`: whole seconds are precise enough for a retry time. */
const iso = (ms: number) => new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

/** When to try again, from `retry-after` (seconds) or `x-ratelimit-reset` (epoch seconds). */
function retryHint(headers: Headers, now: number): string {
  const after = Number(headers.get('retry-after'));
  if (headers.get('retry-after') !== null && Number.isFinite(after) && after >= 0) {
    return `retry after ${Math.ceil(after)} seconds (at ${iso(now + Math.ceil(after) * 1000)})`;
  }
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (headers.get('x-ratelimit-reset') !== null && Number.isFinite(reset) && reset > 0) {
    const wait = Math.max(0, Math.ceil(reset - now / 1000));
    return `retry after ${iso(reset * 1000)} (in ${wait} seconds)`;
  }
  // docs.github.com "Rate limits for the REST API": without either header, wait at least a minute.
  return 'retry in at least 60 seconds';
}

function isRateLimited(status: number, headers: Headers): boolean {
  if (status === 429) return true;
  // A 403 is a rate limit only when GitHub says so; otherwise it is a permission problem.
  return status === 403 && (headers.get('x-ratelimit-remaining') === '0' || headers.get('retry-after') !== null);
}

/** What the failing request was doing, for messages: `getting issue #5 in octo/hello`. */
export interface RequestSubject {
  readonly what: string;
  readonly hasToken: boolean;
}

/**
 * Turns a non-2xx answer into a GitHubError naming what was wrong.
 * @example
 * throw errorFromResponse(404, response.headers, body, { what: 'getting issue #5 in octo/hello', hasToken: true });
 */
export function errorFromResponse(status: number, headers: Headers, body: unknown, subject: RequestSubject, now = Date.now()): GitHubError {
  const said = messageOf(body);
  const saying = said === undefined ? '' : ` GitHub said: "${said}".`;
  const { what } = subject;
  if (isRateLimited(status, headers)) {
    const limit = headers.get('x-ratelimit-limit');
    const resource = headers.get('x-ratelimit-resource');
    const which =
      headers.get('x-ratelimit-remaining') === '0'
        ? `the ${resource ? `${resource} ` : ''}rate limit${limit ? ` of ${limit} requests` : ''} is used up`
        : 'a secondary rate limit was hit (too many requests too fast)';
    const anon = subject.hasToken ? '' : ' Anonymous requests have a low limit; setting GITHUB_TOKEN raises it.';
    return new GitHubError('RATE_LIMITED', `Rate limited by GitHub (HTTP ${status}) while ${what}: ${which}; ${retryHint(headers, now)}.${anon}`, { status });
  }
  switch (status) {
    case 401:
      return subject.hasToken
        ? new GitHubError('BAD_CREDENTIALS', `GitHub rejected the token in GITHUB_TOKEN (HTTP 401) while ${what}: it is invalid, expired or revoked.${saying}`, { status })
        : new GitHubError('NO_TOKEN', `GitHub requires authentication (HTTP 401) while ${what}: set GITHUB_TOKEN.${saying}`, { status });
    case 403:
      return new GitHubError('FORBIDDEN', `GitHub refused access (HTTP 403) while ${what}: the token lacks the permission, or the repository blocks it.${saying}`, { status });
    case 404:
      return new GitHubError(
        'NOT_FOUND',
        `Not found (HTTP 404) while ${what}. Check the owner, repository and issue number; a private repository also answers 404 when the token cannot see it.`,
        { status },
      );
    case 410:
      return new GitHubError('GONE', `Gone (HTTP 410) while ${what}: the issue was deleted, or issues are disabled in this repository.${saying}`, { status });
    case 422: {
      const details = describeValidation((body as { errors?: unknown } | null)?.errors);
      return new GitHubError(
        'VALIDATION_FAILED',
        `GitHub refused the request (HTTP 422 ${said ?? 'Validation Failed'}) while ${what}${details ? `: ${details}` : ''}.`,
        { status },
      );
    }
    case 301:
    case 302:
    case 307:
    case 308:
      return new GitHubError('MOVED', `GitHub answered HTTP ${status} (a redirect, not followed) while ${what}: the repository was probably renamed or transferred; use its new name.`, { status });
    default:
      return status >= 500
        ? new GitHubError('UPSTREAM_ERROR', `GitHub had a server error (HTTP ${status}) while ${what}; try again later.${saying}`, { status })
        : new GitHubError('UPSTREAM_ERROR', `GitHub answered HTTP ${status} while ${what}.${saying}`, { status });
  }
}
