import { describe, expect, it } from 'vitest';
import { chainRows, EMPTY_HEAD, recordHash, type AuditHead } from './chain.js';
import { toRowBody } from './record.js';
import type { AuditRow } from './row.js';
import { ChainVerifier, type HeadAnchor, type VerifyResult } from './verifier.js';

function makeChain(n: number): AuditRow[] {
  const bodies = Array.from({ length: n }, (_, i) => toRowBody({ method: 'tools/call', target: `t${i}`, outcome: 'ok', durationMs: i, time: i }));
  return chainRows(EMPTY_HEAD, bodies);
}

function run(rows: AuditRow[], anchors: HeadAnchor[] = []): VerifyResult {
  const verifier = new ChainVerifier(anchors);
  for (const row of rows) {
    const bad = verifier.check(row);
    if (bad) return verifier.fail(bad);
  }
  return verifier.finish();
}

describe('ChainVerifier', () => {
  it('accepts an intact chain and reports its head', () => {
    const rows = makeChain(5);
    expect(run(rows)).toEqual({ ok: true, count: 5, head: { seq: 5, hash: rows[4]?.hash } });
    expect(run([])).toEqual({ ok: true, count: 0, head: EMPTY_HEAD });
  });

  it('names an edited field', () => {
    const rows = makeChain(5);
    rows[2] = { ...(rows[2] as AuditRow), principal: 'mallory' };
    expect(run(rows)).toMatchObject({ ok: false, count: 2, firstBad: { seq: 3, reason: 'edited', detail: expect.stringMatching(/record 3's fields do not match/) } });
  });

  it('names a gap, including at the start', () => {
    const rows = makeChain(6);
    expect(run([...rows.slice(0, 2), ...rows.slice(4)])).toMatchObject({ firstBad: { seq: 3, reason: 'deleted', detail: 'records 3..4 are missing: seq 2 is followed by seq 5' } });
    expect(run(rows.slice(1))).toMatchObject({ firstBad: { seq: 1, reason: 'deleted', detail: 'record 1 is missing: the start of the log is followed by seq 2' } });
  });

  it('names swapped seqs as reordered', () => {
    const rows = makeChain(5);
    const a = rows[1] as AuditRow;
    const b = rows[2] as AuditRow;
    rows[1] = { ...b, seq: 2 };
    rows[2] = { ...a, seq: 3 };
    expect(run(rows)).toMatchObject({ firstBad: { seq: 2, reason: 'reordered', detail: expect.stringMatching(/stored as seq 2 was written as seq 3/) } });
  });

  it('names a record that was changed and rehashed by the broken link after it', () => {
    const rows = makeChain(4);
    const edited = { ...(rows[1] as AuditRow), target: 'other' };
    edited.hash = recordHash(edited.prevHash, edited, edited.seq);
    rows[1] = edited;
    expect(run(rows)).toMatchObject({ count: 2, firstBad: { seq: 3, reason: 'broken-link', detail: expect.stringMatching(/record 2 was changed and rehashed/) } });
  });

  it('finds records lost from the end against an anchored head', () => {
    const rows = makeChain(5);
    const head: AuditHead = { seq: 5, hash: rows[4]?.hash as string };
    expect(run(rows.slice(0, 3), [{ head, name: 'the expected head' }])).toMatchObject({
      ok: false,
      count: 3,
      firstBad: { seq: 4, reason: 'deleted', detail: 'the log ends at seq 3 but the expected head is seq 5: records 4..5 were removed from the end' },
    });
  });

  it('finds a rewritten chain whose hash at the anchored seq differs', () => {
    const rows = makeChain(3);
    const anchor = { head: { seq: 2, hash: 'f'.repeat(64) }, name: 'the expected head' };
    expect(run(rows, [anchor])).toMatchObject({ firstBad: { seq: 2, reason: 'edited', detail: expect.stringMatching(/the expected head says record 2 has hash/) } });
  });
});
