import { describe, expect, it } from 'vitest';
import { LazyAbortController, signalCancellation } from './abort.js';

describe('LazyAbortController as a Cancellation', () => {
  it('runs callbacks once on abort, not those forgotten, and at once when already aborted', () => {
    const c = new LazyAbortController();
    const seen: string[] = [];
    c.onAbort((r) => seen.push(`kept ${String(r)}`));
    const forget = c.onAbort((r) => seen.push(`forgotten ${String(r)}`));
    forget();
    c.abort('stop');
    c.abort('again');
    expect(seen).toEqual(['kept stop']);
    c.onAbort((r) => seen.push(`late ${String(r)}`))();
    expect(seen).toEqual(['kept stop', 'late stop']);
    expect(c.signal.aborted).toBe(true);
    expect(c.signal.reason).toBe('stop');
  });
});

describe('signalCancellation', () => {
  it('follows the signal and removes its listener when forgotten', () => {
    const controller = new AbortController();
    const cancel = signalCancellation(controller.signal);
    const seen: unknown[] = [];
    const forget = cancel.onAbort((r) => seen.push(['forgotten', r]));
    cancel.onAbort((r) => seen.push(r));
    forget();
    expect(cancel.aborted).toBe(false);
    controller.abort('why');
    expect(cancel.aborted).toBe(true);
    expect(cancel.reason).toBe('why');
    expect(seen).toEqual(['why']);
  });
});
