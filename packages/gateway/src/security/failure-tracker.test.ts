import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { FailureTracker, failureSourceOf } from './failure-tracker.js';

describe('FailureTracker', () => {
  it('refuses a source after maxFailures within the window, and tells it when to come back', () => {
    const tracker = new FailureTracker({ maxFailures: 5, windowMs: 60_000 });
    for (let i = 0; i < 4; i++) expect(tracker.recordFailure('a', 0)).toEqual({ ok: true });
    expect(tracker.recordFailure('a', 0)).toEqual({ ok: false, retryAfterMs: 12_000 });
    expect(tracker.check('a', 11_999).ok).toBe(false);
    expect(tracker.check('a', 12_000).ok).toBe(true);
    expect(tracker.check('b', 0).ok).toBe(true);
  });

  it('does not extend a block when a blocked source keeps failing', () => {
    const tracker = new FailureTracker({ maxFailures: 2, windowMs: 1000 });
    tracker.recordFailure('a', 0);
    tracker.recordFailure('a', 0);
    for (let i = 0; i < 100; i++) tracker.recordFailure('a', 100);
    expect(tracker.check('a', 500).ok).toBe(true);
  });

  it('uses bounded memory: many sources, then a sweep', () => {
    const tracker = new FailureTracker({ maxFailures: 3, windowMs: 1000, maxSources: 1000 });
    for (let i = 0; i < 50_000; i++) tracker.recordFailure(`10.0.${i >> 8}.${i & 255}`, i / 100);
    expect(tracker.size).toBeLessThanOrEqual(1000);
    expect(tracker.sweep(10_000)).toBeGreaterThan(0);
    expect(tracker.size).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => new FailureTracker({ maxFailures: 0 })).toThrow(InvalidArgumentError);
    expect(() => new FailureTracker({ windowMs: -1 })).toThrow(/windowMs/);
  });
});

describe('failureSourceOf', () => {
  it.each([
    ['192.0.2.7', '192.0.2.7'],
    ['::ffff:192.0.2.7', '192.0.2.7'],
    ['2001:db8:1:2:aaaa:bbbb:cccc:dddd', '2001:db8:1:2::/64'],
    ['2001:0DB8:0001:0002::1', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
    ['1::2:3:4:5:1.2.3.4', '1:0:2:3::/64'],
    ['not an address', 'not an address'],
  ])('%s → %s', (address, source) => {
    expect(failureSourceOf(address)).toBe(source);
  });

  it('puts every address of one /64 under one source', () => {
    expect(failureSourceOf('2001:db8:1:2::1')).toBe(failureSourceOf('2001:db8:1:2:ffff:ffff:ffff:ffff'));
    expect(failureSourceOf('2001:db8:1:2::1')).not.toBe(failureSourceOf('2001:db8:1:3::1'));
  });
});
