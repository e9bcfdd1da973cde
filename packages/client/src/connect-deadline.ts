/**
 * The deadline of one connect: its `timeoutMs` and `signal` (ConnectOptions) as a promise that rejects on either.
 * @module
 */
import { CancelledError, TimeoutError } from '@mcpkit/protocol';
import type { ConnectOptions } from './client-types.js';

/**
 * `giveUp` rejects with TimeoutError after `timeoutMs`, or with CancelledError when `signal` aborts (at once if
 * it already has); it never resolves, and its rejection is handled. The caller clears `timer` when done.
 */
export function connectDeadline(options: ConnectOptions): { giveUp: Promise<never>; timer: ReturnType<typeof setTimeout> | undefined } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const giveUp = new Promise<never>((_, reject) => {
    const fail = (error: Error) => reject(error);
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => fail(new TimeoutError(`Connecting took longer than ${options.timeoutMs} ms`)), options.timeoutMs);
    }
    options.signal?.addEventListener('abort', () => fail(new CancelledError('Connecting was cancelled', { cause: options.signal?.reason })), { once: true });
    if (options.signal?.aborted) fail(new CancelledError('Connecting was cancelled', { cause: options.signal.reason }));
  });
  giveUp.catch(() => undefined);
  return { giveUp, timer };
}
