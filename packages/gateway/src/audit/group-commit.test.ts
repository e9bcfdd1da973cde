import { describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';
import { toRowBody } from './record.js';
import type { RowBody } from './row.js';

const body = (i: number) => toRowBody({ method: 'tools/call', outcome: 'ok', durationMs: i });

describe('GroupCommit', () => {
  it('writes the appends of one turn together, in batches of at most maxBatch, in order', async () => {
    const batches: number[][] = [];
    const commits = new GroupCommit(async (bodies) => batches.push(bodies.map((b) => b.durationMs)), { maxBatch: 3, onError: vi.fn() });
    const done = Array.from({ length: 7 }, (_, i) => commits.push(body(i)));
    expect(batches).toEqual([]); // nothing is written inside the caller's turn
    await Promise.all(done);
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
  });

  it('lets the event loop run between batches', async () => {
    const events: string[] = [];
    const commits = new GroupCommit(async (bodies) => void events.push(`write ${bodies.length}`), { maxBatch: 2, onError: vi.fn() });
    for (let i = 0; i < 4; i++) void commits.push(body(i));
    setImmediate(() => events.push('other work'));
    await commits.flush();
    expect(events).toEqual(['write 2', 'other work', 'write 2']);
  });

  it('a failed write rejects its batch only, reports it once, and the next batch goes on', async () => {
    const onError = vi.fn();
    let calls = 0;
    const written: RowBody[] = [];
    const commits = new GroupCommit(
      async (bodies) => {
        if (++calls === 1) throw new Error('disk full');
        written.push(...bodies);
      },
      { maxBatch: 2, onError },
    );
    const results = await Promise.allSettled([0, 1, 2].map((i) => commits.push(body(i))));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(written).toHaveLength(1);
  });

  it('flush waits for what is queued and rejects with the first failure among it', async () => {
    let fail = true;
    const commits = new GroupCommit(
      async () => {
        if (fail) throw new Error('locked');
      },
      { onError: vi.fn() },
    );
    void commits.push(body(1));
    await expect(commits.flush()).rejects.toThrow('locked');
    fail = false;
    void commits.push(body(2));
    await expect(commits.flush()).resolves.toBeUndefined();
    await expect(commits.flush()).resolves.toBeUndefined(); // nothing queued
  });

  it('refuses appends beyond maxPending, saying so', async () => {
    const onError = vi.fn();
    const commits = new GroupCommit(async () => {}, { maxPending: 2, onError });
    void commits.push(body(1));
    void commits.push(body(2));
    await expect(commits.push(body(3))).rejects.toThrow(/2 records are already waiting to be written \(maxPending\); this one was dropped/);
    expect(onError).toHaveBeenCalledTimes(1);
    await commits.flush();
  });

  it('with lingerMs, a quiet stream of appends shares a transaction per interval; a burst is still split at maxBatch', async () => {
    const batches: number[][] = [];
    const commits = new GroupCommit(async (bodies) => batches.push(bodies.map((b) => b.durationMs)), { lingerMs: 80, maxBatch: 3, onError: vi.fn() });
    const started = performance.now();
    await commits.push(body(1)); // the first goes at once
    const second = commits.push(body(2));
    await new Promise((r) => setTimeout(r, 10));
    const third = commits.push(body(3));
    await Promise.all([second, third]);
    expect(batches).toEqual([[1], [2, 3]]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    const burst = [4, 5, 6, 7].map((i) => commits.push(body(i)));
    await Promise.all(burst);
    expect(batches.slice(2)).toEqual([[4, 5, 6], [7]]);
  });

  it('names a bad option', () => {
    expect(() => new GroupCommit(async () => {}, { maxBatch: 0, onError: vi.fn() })).toThrow(/audit log: maxBatch must be a positive integer, got 0/);
    expect(() => new GroupCommit(async () => {}, { lingerMs: -1, onError: vi.fn() })).toThrow(/audit log: lingerMs must be between 0 and 1000, got -1/);
  });
});
