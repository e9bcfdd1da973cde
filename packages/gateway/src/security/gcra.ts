/**
 * GCRA (the generic cell rate algorithm), the arithmetic only. A bucket is one number, its theoretical arrival
 * time (TAT); `limit` per `windowMs` means one cell every `windowMs / limit` ms with a burst of `limit` at once.
 * @module
 */
import { InvalidArgumentError } from '@mcpkit/protocol';

/** `limit` cells per `windowMs`, all of them allowed at once after a quiet window. */
export interface GcraRate {
  limit: number;
  windowMs: number;
}

// 7 × (60000 / 7) can come out a hair above 60000 in floating point; without this slack the last cell of a full
// burst would be refused. A nanosecond is far below any clock the callers use.
const SLACK_MS = 1e-6;

/** The TAT a bucket has after one more cell, whether or not that cell conforms. */
export function gcraAfter(tat: number | undefined, now: number, rate: GcraRate): number {
  return (tat === undefined || tat < now ? now : tat) + rate.windowMs / rate.limit;
}

/** Whole milliseconds until a cell whose TAT-after is `after` conforms; 0 when it conforms now. */
export function gcraWait(after: number, now: number, rate: GcraRate): number {
  const wait = after - rate.windowMs - now;
  return wait > SLACK_MS ? Math.ceil(wait - SLACK_MS) : 0;
}

/**
 * Checks a rate once, where it is configured, so the hot path need not.
 * @throws InvalidArgumentError `MCPKIT_INVALID_ARGUMENT` for a limit that is not a positive integer or a window
 * that is not a positive finite number of milliseconds.
 */
export function assertGcraRate(rate: GcraRate, what = 'rate'): void {
  if (!Number.isSafeInteger(rate.limit) || rate.limit < 1) {
    throw new InvalidArgumentError(`${what}: limit must be a positive integer, got ${String(rate.limit)}`);
  }
  if (!Number.isFinite(rate.windowMs) || rate.windowMs <= 0) {
    throw new InvalidArgumentError(`${what}: windowMs must be a positive number of milliseconds, got ${String(rate.windowMs)}`);
  }
}
