import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import type { RateLimitRule } from '../config/types.js';
import { RateLimiter } from './rate-limit.js';
import { MemoryRateLimitStore, type RateLimitCell, type RateLimitStore, type RateLimitTake } from './rate-limit-store.js';

const perPrincipal: RateLimitRule = { per: 'principal', limit: 10, windowMs: 1000 };
const perServer: RateLimitRule = { per: 'server', limit: 3, windowMs: 1000 };
const perTool: RateLimitRule = { per: 'tool', limit: 1, windowMs: 1000, tools: ['files__write*'] };

describe('RateLimiter', () => {
  it('keeps principals, servers and tools in separate buckets', () => {
    const limiter = new RateLimiter([perServer]);
    for (let i = 0; i < 3; i++) expect(limiter.check({ principal: 'alice', server: 'files', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'alice', server: 'files', now: 0 })).toEqual({ ok: false, retryAfterMs: 334, rule: perServer });
    expect(limiter.check({ principal: 'alice', server: 'weather', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'bob', server: 'files', now: 0 }).ok).toBe(true);
  });

  it('does not charge any rule when one refuses', () => {
    const limiter = new RateLimiter([perPrincipal, perTool]);
    expect(limiter.check({ principal: 'p', server: 'files', tool: 'files__write_file', now: 0 }).ok).toBe(true);
    // The tool rule refuses the next 5 writes; the principal rule must not be charged for them.
    for (let i = 0; i < 5; i++) {
      expect(limiter.check({ principal: 'p', server: 'files', tool: 'files__write_file', now: 0 })).toMatchObject({ ok: false, rule: perTool });
    }
    let reads = 0;
    while (limiter.check({ principal: 'p', server: 'files', tool: 'files__read_file', now: 0 }).ok) reads++;
    expect(reads).toBe(9);
  });

  it('applies a rule with tools only to tools matching its globs, and per-tool rules only to tool calls', () => {
    const limiter = new RateLimiter([perTool]);
    for (let i = 0; i < 5; i++) expect(limiter.check({ principal: 'p', server: 'files', tool: 'files__read_file', now: 0 }).ok).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.check({ principal: 'p', server: 'files', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'p', tool: 'files__write_file', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'p', tool: 'files__write_file', now: 0 }).ok).toBe(false);
    expect(limiter.check({ principal: 'p', tool: 'files__write_other', now: 0 }).ok).toBe(true);
    const perServerOnly = new RateLimiter([{ per: 'server', limit: 1, windowMs: 1000 }]);
    for (let i = 0; i < 3; i++) expect(perServerOnly.check({ principal: 'p', now: 0 }).ok).toBe(true);
  });

  it('keeps two rules of the same kind apart', () => {
    const a: RateLimitRule = { per: 'principal', limit: 2, windowMs: 1000 };
    const b: RateLimitRule = { per: 'principal', limit: 100, windowMs: 60_000 };
    const limiter = new RateLimiter([a, b]);
    expect(limiter.check({ principal: 'p', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'p', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'p', now: 0 })).toMatchObject({ ok: false, rule: a });
  });

  it('keeps buckets apart even when names contain separator-like characters', () => {
    const limiter = new RateLimiter([{ per: 'server', limit: 1, windowMs: 1000 }]);
    expect(limiter.check({ principal: 'x\u0000files', server: 'a', now: 0 }).ok).toBe(true);
    expect(limiter.check({ principal: 'files', server: 'a\u0000x', now: 0 }).ok).toBe(true);
  });

  it('uses its injected clock', () => {
    let now = 0;
    const limiter = new RateLimiter([{ per: 'principal', limit: 1, windowMs: 1000 }], { now: () => now });
    expect(limiter.check({ principal: 'p' }).ok).toBe(true);
    expect(limiter.check({ principal: 'p' })).toMatchObject({ ok: false, retryAfterMs: 1000 });
    now = 1000;
    expect(limiter.check({ principal: 'p' }).ok).toBe(true);
  });

  it('passes an asynchronous store through as a promise', async () => {
    const memory = new MemoryRateLimitStore();
    const calls: RateLimitCell[][] = [];
    const remote: RateLimitStore & { takeAll(cells: readonly RateLimitCell[], now: number): Promise<RateLimitTake> } = {
      async takeAll(cells, now) {
        calls.push([...cells]);
        return memory.takeAll(cells, now);
      },
    };
    const limiter = new RateLimiter([{ per: 'principal', limit: 1, windowMs: 1000 }], { store: remote });
    const first = limiter.check({ principal: 'p', now: 0 });
    expect(first).toBeInstanceOf(Promise);
    expect(await first).toEqual({ ok: true });
    expect(await limiter.check({ principal: 'p', now: 0 })).toMatchObject({ ok: false, retryAfterMs: 1000 });
    expect(calls).toHaveLength(2);
  });

  it('refuses bad rules at construction, naming them', () => {
    expect(() => new RateLimiter([perPrincipal, { per: 'session' as 'tool', limit: 1, windowMs: 1 }])).toThrow(/rateLimits\[1\]\.per/);
    expect(() => new RateLimiter([{ per: 'tool', limit: 0, windowMs: 1 }])).toThrow(InvalidArgumentError);
    expect(() => new RateLimiter([{ per: 'tool', limit: 1, windowMs: 1, tools: ['ok*', 'bad\\'] }])).toThrow(/rateLimits\[0\]\.tools\[1\]: Invalid glob/);
  });
});
