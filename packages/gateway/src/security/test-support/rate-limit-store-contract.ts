/**
 * Test harness: the one {@link RateLimitStore} contract every store passes (memory, Redis). It charges through
 * `takeAll` on the caller's clock, with exact GCRA outcomes.
 * @module
 */
import { describe, expect, it } from 'vitest';
import type { GcraRate } from '../gcra.js';
import type { RateLimitCell, RateLimitStore, RateLimitTake } from '../rate-limit-store.js';

/** Makes an empty store that runs on the `now` it is given. */
export type RateLimitStoreFactory = () => RateLimitStore | Promise<RateLimitStore>;

/** Declares the contract's tests for one store. */
export function rateLimitStoreContract(name: string, make: RateLimitStoreFactory, options: { skip?: boolean } = {}): void {
  describe.skipIf(options.skip === true)(`RateLimitStore contract: ${name}`, () => {
    const cell = (member: string, rate: GcraRate, group = 'g:'): RateLimitCell => ({ group, member, rate });
    const take = async (store: RateLimitStore, member: string, rate: GcraRate, now: number): Promise<RateLimitTake> => store.takeAll([cell(member, rate)], now);

    it('allows a full burst, then exactly one per interval', async () => {
      const store = await make();
      const rate = { limit: 3, windowMs: 3000 };
      for (let i = 0; i < 3; i++) expect(await take(store, 'k', rate, 0)).toEqual({ ok: true });
      expect(await take(store, 'k', rate, 0)).toEqual({ ok: false, index: 0, retryAfterMs: 1000 });
      expect(await take(store, 'k', rate, 999)).toEqual({ ok: false, index: 0, retryAfterMs: 1 });
      expect(await take(store, 'k', rate, 1000)).toEqual({ ok: true });
      expect(await take(store, 'k', rate, 1000)).toEqual({ ok: false, index: 0, retryAfterMs: 1000 });
      for (let t = 2000; t <= 10_000; t += 1000) {
        expect(await take(store, 'k', rate, t)).toEqual({ ok: true });
        expect((await take(store, 'k', rate, t)).ok).toBe(false);
      }
      let allowed = 0;
      for (let i = 0; i < 10; i++) if ((await take(store, 'k', rate, 20_000)).ok) allowed++;
      expect(allowed).toBe(3);
    });

    it('is exact when the interval is not a whole number (7 per minute)', async () => {
      const store = await make();
      const rate = { limit: 7, windowMs: 60_000 };
      const t0 = 1_700_000_000_000;
      for (let i = 0; i < 7; i++) expect((await take(store, 'k', rate, t0)).ok, `burst ${i}`).toBe(true);
      expect(await take(store, 'k', rate, t0)).toEqual({ ok: false, index: 0, retryAfterMs: Math.ceil(60_000 / 7) });
      expect((await take(store, 'k', rate, t0 + 8571)).ok).toBe(false);
      expect((await take(store, 'k', rate, t0 + 8572)).ok).toBe(true);
      // 7 × 30 cells over 30 windows at a steady pace: every one allowed, with no drift.
      let allowed = 0;
      for (let i = 0; i < 210; i++) if ((await take(store, 'steady', rate, t0 + (i * 60_000) / 7)).ok) allowed++;
      expect(allowed).toBe(210);
    });

    it('does not let refused attempts push the bucket further out', async () => {
      const store = await make();
      const rate = { limit: 1, windowMs: 1000 };
      await take(store, 'k', rate, 0);
      for (let i = 0; i < 20; i++) expect((await take(store, 'k', rate, 500)).ok).toBe(false);
      expect((await take(store, 'k', rate, 1000)).ok).toBe(true);
    });

    it('charges all cells or none', async () => {
      const store = await make();
      const loose = { limit: 10, windowMs: 1000 };
      const tight = { limit: 1, windowMs: 1000 };
      const both = [cell('a', loose), cell('b', tight)];
      expect(await store.takeAll(both, 0)).toEqual({ ok: true });
      expect(await store.takeAll(both, 0)).toEqual({ ok: false, index: 1, retryAfterMs: 1000 });
      // `a` kept its tokens: 9 more fit after the first request's one.
      for (let i = 0; i < 9; i++) expect((await take(store, 'a', loose, 0)).ok, `a ${i}`).toBe(true);
      expect((await take(store, 'a', loose, 0)).ok).toBe(false);
    });

    it('reports the longest wait among refusing cells, and the first cell of equal waits', async () => {
      const store = await make();
      const short = { limit: 1, windowMs: 100 };
      const long = { limit: 1, windowMs: 5000 };
      await take(store, 'short', short, 0);
      await take(store, 'long', long, 0);
      expect(await store.takeAll([cell('short', short), cell('long', long)], 10)).toEqual({ ok: false, index: 1, retryAfterMs: 4990 });
      await take(store, 'long2', long, 0);
      expect(await store.takeAll([cell('long', long), cell('long2', long)], 10)).toEqual({ ok: false, index: 0, retryAfterMs: 4990 });
    });

    it('keeps a member of one group apart from the same member of another', async () => {
      const store = await make();
      const rate = { limit: 1, windowMs: 1000 };
      expect((await store.takeAll([cell('p', rate, '0:5:files')], 0)).ok).toBe(true);
      expect((await store.takeAll([cell('p', rate, '0:7:weather')], 0)).ok).toBe(true);
      expect((await store.takeAll([cell('q', rate, '0:5:files')], 0)).ok).toBe(true);
      expect((await store.takeAll([cell('p', rate, '0:5:files')], 0)).ok).toBe(false);
    });
  });
}
