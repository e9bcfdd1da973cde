import { describe, expect, it } from 'vitest';
import { McpkitError } from '@mcpkit/protocol';
import { ConcurrencyLimitError, RateLimitedError, ScopeDeniedError } from './errors.js';

describe('security errors', () => {
  it('carry a stable code, a name and the data the gateway puts on the wire', () => {
    const rate = new RateLimitedError(1500, { per: 'principal', limit: 10, windowMs: 60_000 });
    expect(rate).toBeInstanceOf(McpkitError);
    expect(rate).toBeInstanceOf(RateLimitedError);
    expect(rate).not.toBeInstanceOf(ConcurrencyLimitError);
    expect([rate.code, rate.name, rate.retryAfterMs]).toEqual(['MCPKIT_RATE_LIMITED', 'RateLimitedError', 1500]);
    expect(rate.message).toBe('Rate limit exceeded (10 per 60000 ms per principal); retry after 1500 ms');

    const busy = new ConcurrencyLimitError('queue_full', 1000);
    expect([busy.code, busy.name, busy.reason, busy.retryAfterMs]).toEqual(['MCPKIT_CONCURRENCY_LIMITED', 'ConcurrencyLimitError', 'queue_full', 1000]);
    expect(new ConcurrencyLimitError('queue_timeout', 1000).message).toMatch(/timed out waiting/);
    expect(new ConcurrencyLimitError('aborted', 0).message).toMatch(/cancelled/);

    const denied = new ScopeDeniedError('Tool "files__write" needs scope "write"', 'tool', 'files__write', ['write']);
    expect([denied.code, denied.name, denied.kind, denied.target, denied.scopes]).toEqual(['MCPKIT_SCOPE_DENIED', 'ScopeDeniedError', 'tool', 'files__write', ['write']]);
  });

  it('are recognised by code across copies (the McpkitError brand)', () => {
    const foreign = Object.assign(new McpkitError('MCPKIT_RATE_LIMITED', 'from another copy'), { retryAfterMs: 5 });
    expect(foreign).toBeInstanceOf(RateLimitedError);
    expect(foreign).not.toBeInstanceOf(ScopeDeniedError);
  });
});
