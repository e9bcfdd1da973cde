import { describe, expect, it } from 'vitest';
import { GitHubError, errorFromResponse } from './errors.js';

const NOW = Date.parse('2026-12-04T21:00:00Z');
const subject = { what: 'getting issue #5 in octo/hello', hasToken: true };
const headers = (h: Record<string, string>) => new Headers(h);

describe('errorFromResponse', () => {
  it('names the primary rate limit, its resource and the reset time', () => {
    const reset = String(NOW / 1000 + 754);
    const e = errorFromResponse(403, headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-limit': '5000', 'x-ratelimit-resource': 'core', 'x-ratelimit-reset': reset }), { message: 'API rate limit exceeded' }, subject, NOW);
    expect(e.code).toBe('RATE_LIMITED');
    expect(e.message).toBe('Rate limited by GitHub (HTTP 403) while getting issue #5 in octo/hello: the core rate limit of 5000 requests is used up; retry after 2026-12-04T21:12:34Z (in 754 seconds).');
  });

  it('prefers retry-after for a secondary limit, and tells an anonymous caller about GITHUB_TOKEN', () => {
    const e = errorFromResponse(429, headers({ 'retry-after': '42' }), {}, { what: 'searching "x is:issue"', hasToken: false }, NOW);
    expect(e.message).toBe(
      'Rate limited by GitHub (HTTP 429) while searching "x is:issue": a secondary rate limit was hit (too many requests too fast); ' +
        'retry after 42 seconds (at 2026-12-04T21:00:42Z). Anonymous requests have a low limit; setting GITHUB_TOKEN raises it.',
    );
  });

  it('says to wait a minute when GitHub gives no time', () => {
    expect(errorFromResponse(429, headers({}), null, subject, NOW).message).toMatch(/; retry in at least 60 seconds\.$/);
  });

  it('keeps a 403 with quota left a permission problem', () => {
    const e = errorFromResponse(403, headers({ 'x-ratelimit-remaining': '4000' }), { message: 'Resource not accessible by personal access token' }, subject, NOW);
    expect(e.code).toBe('FORBIDDEN');
    expect(e.message).toContain('GitHub said: "Resource not accessible by personal access token"');
  });

  it('lists the errors array of a 422, plain strings included', () => {
    const body = {
      message: 'Validation Failed',
      errors: [
        { resource: 'Issue', field: 'assignees', code: 'invalid', value: 'ghost' },
        { resource: 'Issue', field: 'title', code: 'missing_field' },
        { resource: 'Label', code: 'custom', message: 'name is too long (maximum is 50 characters)' },
        'milestone is closed',
      ],
    };
    const e = errorFromResponse(422, headers({}), body, subject, NOW);
    expect(e.message).toBe(
      'GitHub refused the request (HTTP 422 Validation Failed) while getting issue #5 in octo/hello: assignees: "ghost" is invalid; ' +
        'title: is required; name is too long (maximum is 50 characters); milestone is closed.',
    );
  });

  it('tells a missing token from a rejected one', () => {
    expect(errorFromResponse(401, headers({}), { message: 'Requires authentication' }, { what: 'x', hasToken: false }, NOW).code).toBe('NO_TOKEN');
    expect(errorFromResponse(401, headers({}), { message: 'Bad credentials' }, subject, NOW).message).toBe(
      'GitHub rejected the token in GITHUB_TOKEN (HTTP 401) while getting issue #5 in octo/hello: it is invalid, expired or revoked. GitHub said: "Bad credentials".',
    );
  });

  it('clips a long server message and brands the error', () => {
    const e = errorFromResponse(500, headers({}), { message: 'x'.repeat(1000) }, subject, NOW);
    expect(e.message.length).toBeLessThan(320);
    expect(GitHubError.is(e)).toBe(true);
    expect(GitHubError.is(new Error('x'))).toBe(false);
  });
});
