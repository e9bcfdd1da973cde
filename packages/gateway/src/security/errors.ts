/**
 * The refusals of the security plane as typed errors. The gateway turns each into a JSON-RPC error whose `data`
 * carries {@link RateLimitedError.retryAfterMs} where there is one (and HTTP 429 with `Retry-After` where the
 * transport allows).
 * @module
 */
import { McpkitError } from '@mcpkit/protocol';

export const RATE_LIMITED = 'MCPKIT_RATE_LIMITED';
export const CONCURRENCY_LIMITED = 'MCPKIT_CONCURRENCY_LIMITED';
export const SCOPE_DENIED = 'MCPKIT_SCOPE_DENIED';

/** What a refused request was aimed at. */
export type TargetKind = 'tool' | 'resource' | 'prompt';

/**
 * A rate limit refused the request; nothing was charged. Code `MCPKIT_RATE_LIMITED`.
 * @example
 * const verdict = limiter.check({ principal: 'ci', server: 'files', tool: 'files__read' });
 * if (!verdict.ok) throw new RateLimitedError(verdict.retryAfterMs, verdict.rule);
 */
export class RateLimitedError extends McpkitError {
  static readonly errorCode = RATE_LIMITED;
  /** Wait at least this long before trying again. */
  readonly retryAfterMs: number;
  /** The rule that refused (the one that asks for the longest wait). */
  readonly rule: { per: string; limit: number; windowMs: number };

  constructor(retryAfterMs: number, rule: { per: string; limit: number; windowMs: number }) {
    super(RATE_LIMITED, `Rate limit exceeded (${rule.limit} per ${rule.windowMs} ms per ${rule.per}); retry after ${retryAfterMs} ms`);
    this.name = 'RateLimitedError';
    this.retryAfterMs = retryAfterMs;
    this.rule = rule;
  }
}

/** Why a caller did not get a concurrency slot. */
export type ConcurrencyRefusal = 'queue_full' | 'queue_timeout' | 'aborted';

/**
 * No slot for another call in flight: the queue was full, the wait timed out, or the caller's signal aborted
 * while waiting. Code `MCPKIT_CONCURRENCY_LIMITED`.
 * @example
 * try {
 *   const release = await limiter.acquire(principal, signal);
 * } catch (error) {
 *   if (error instanceof ConcurrencyLimitError) console.log(error.reason, error.retryAfterMs);
 * }
 */
export class ConcurrencyLimitError extends McpkitError {
  static readonly errorCode = CONCURRENCY_LIMITED;
  readonly reason: ConcurrencyRefusal;
  /** A hint for when to try again; 0 for `aborted` (the caller gave up, nothing to retry). */
  readonly retryAfterMs: number;

  constructor(reason: ConcurrencyRefusal, retryAfterMs: number, options?: { cause?: unknown }) {
    super(CONCURRENCY_LIMITED, concurrencyMessage(reason, retryAfterMs), options);
    this.name = 'ConcurrencyLimitError';
    this.reason = reason;
    this.retryAfterMs = retryAfterMs;
  }
}

function concurrencyMessage(reason: ConcurrencyRefusal, retryAfterMs: number): string {
  if (reason === 'aborted') return 'The request was cancelled while waiting for a concurrency slot';
  const why = reason === 'queue_full' ? 'too many calls in flight and the queue is full' : 'timed out waiting for a concurrency slot';
  return `Concurrency limit: ${why}; retry after ${retryAfterMs} ms`;
}

/**
 * The principal's scopes do not allow the target, or its name was refused as invalid. The message names the
 * scopes that would allow it. Code `MCPKIT_SCOPE_DENIED`.
 * @example
 * const verdict = authorizer.authorize(principal.scopes, 'tool', 'files__write');
 * if (!verdict.ok) throw new ScopeDeniedError(verdict.message, 'tool', 'files__write', verdict.reason === 'missing_scope' ? verdict.scopes : []);
 */
export class ScopeDeniedError extends McpkitError {
  static readonly errorCode = SCOPE_DENIED;
  readonly kind: TargetKind;
  readonly target: string;
  /** Scopes that would allow the target (empty when none does, or the name itself was refused). */
  readonly scopes: readonly string[];

  constructor(message: string, kind: TargetKind, target: string, scopes: readonly string[] = []) {
    super(SCOPE_DENIED, message);
    this.name = 'ScopeDeniedError';
    this.kind = kind;
    this.target = target;
    this.scopes = scopes;
  }
}
