/**
 * Reconnection delays: exponential backoff with jitter, bounded by a ceiling and a number of attempts.
 * @module
 */

/** How a host retries a server whose connection closed unexpectedly. */
export interface ReconnectPolicy {
  /** The delay before the first attempt. Default 500 ms. */
  initialDelayMs: number;
  /** The longest delay between attempts. Default 30 s. */
  maxDelayMs: number;
  /** Attempts before the server is marked failed. Default 5. */
  maxAttempts: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 5 };

/**
 * The delay before attempt `attempt` (1-based): `initialDelayMs · 2^(attempt-1)`, capped at `maxDelayMs`, then
 * scaled by a random factor in [0.5, 1) ("equal jitter"), so servers that dropped together do not all come
 * back in the same instant, while no retry is ever immediate.
 */
export function backoffDelay(policy: ReconnectPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = policy.initialDelayMs * 2 ** Math.max(0, attempt - 1);
  const capped = Math.min(policy.maxDelayMs, exponential);
  return Math.round(capped * (0.5 + random() / 2));
}
