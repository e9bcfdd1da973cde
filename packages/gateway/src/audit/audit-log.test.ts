/** The AuditLog contract, run against SQLite and PostgreSQL alike. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { GENESIS_HASH, recordHash } from './chain.js';
import { canonicalize } from '@mcpkit/trust';
import type { AuditRecordInput, StoredAuditRecord } from './record.js';
import { POSTGRES_URL, postgresBackend, probePostgres, sqliteBackend, type Backend, type StoreFixture } from './test-support/backends.js';

const postgresDown = await probePostgres();
if (postgresDown) {
  const start = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
  if (process.env.CI) throw new Error(`PostgreSQL at ${POSTGRES_URL} is unreachable (${postgresDown.message}); CI runs the PostgreSQL audit tests. Start it with: ${start}`);
  console.warn(`[mcpkit] PostgreSQL at ${POSTGRES_URL} is unreachable (${postgresDown.message}): skipping the PostgreSQL audit tests. Start it with: ${start}`);
}

function rec(i: number, patch: Partial<AuditRecordInput> = {}): AuditRecordInput {
  return {
    time: Date.UTC(2026, 0, 1, 0, 0, i),
    principal: i % 2 ? 'alice' : 'bob',
    keyId: 'k1',
    method: 'tools/call',
    upstream: 'fs',
    target: `fs__tool${i % 3}`,
    arguments: { i },
    outcome: 'ok',
    errorCode: null,
    durationMs: i / 4,
    bytesIn: i,
    bytesOut: 2 * i,
    ...patch,
  };
}

async function appendMany(log: { append(r: AuditRecordInput): Promise<void>; flush(): Promise<void> }, n: number, from = 1): Promise<void> {
  for (let i = from; i < from + n; i++) void log.append(rec(i));
  await log.flush();
}

const backends: Array<[Backend, boolean]> = [
  [sqliteBackend, false],
  [postgresBackend, postgresDown !== undefined],
];

for (const [backend, skip] of backends) {
  describe.skipIf(skip)(`AuditLog on ${backend.name}`, () => {
    let store: StoreFixture;
    beforeEach(async () => {
      store = await backend.create();
    });
    afterEach(async () => {
      await store.dispose();
    });

    it('stores every field and links seq 1, 2, 3 from the genesis hash', async () => {
      const log = await store.open();
      await log.append(rec(1, { errorCode: -32602, outcome: 'error', requestId: 7, sessionId: 's1', route: '/mcp/ro' }));
      await log.append(rec(2, { outcome: 'refused', reason: 'scope', errorCode: 'MCPKIT_SCOPE', requestId: 'r2', principal: null, keyId: null }));
      await log.append({ method: 'tools/list', outcome: 'ok', durationMs: 0 });
      const [a, b, c] = await log.query();
      expect(a).toEqual({
        seq: 1,
        time: '2026-01-01T00:00:01.000Z',
        principal: 'alice',
        keyId: 'k1',
        method: 'tools/call',
        upstream: 'fs',
        target: 'fs__tool1',
        arguments: { i: 1 },
        outcome: 'error',
        errorCode: -32602,
        durationMs: 0.25,
        bytesIn: 1,
        bytesOut: 2,
        requestId: 7,
        sessionId: 's1',
        route: '/mcp/ro',
        prevHash: GENESIS_HASH,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(b).toMatchObject({ seq: 2, prevHash: a?.hash, principal: null, keyId: null, reason: 'scope', errorCode: 'MCPKIT_SCOPE', requestId: 'r2' });
      expect(c).toMatchObject({ seq: 3, prevHash: b?.hash, upstream: null, target: null, arguments: null, bytesIn: 0 });
      expect(c).not.toHaveProperty('reason');
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 3, head: { seq: 3, hash: c?.hash } });
      await expect(log.head()).resolves.toEqual({ seq: 3, hash: c?.hash });
    });

    it('an empty log verifies, with the genesis head', async () => {
      const log = await store.open();
      await expect(log.verify()).resolves.toEqual({ ok: true, count: 0, head: { seq: 0, hash: GENESIS_HASH } });
      await expect(log.head()).resolves.toEqual({ seq: 0, hash: GENESIS_HASH });
    });

    it('group-commits appends nobody awaits; flush waits for them; a resolved append is visible to another connection', async () => {
      const log = await store.open({ maxBatch: 100 });
      await appendMany(log, 1050);
      const acked = log.append(rec(2000));
      await acked;
      const other = await store.open();
      const rows = await other.query({ afterSeq: 1050 });
      expect(rows.map((r) => r.seq)).toEqual([1051]);
      await expect(other.verify({ pageSize: 97 })).resolves.toMatchObject({ ok: true, count: 1051 });
    });

    it('continues the chain after a restart', async () => {
      const first = await store.open();
      await appendMany(first, 5);
      await first.close();
      const second = await store.open();
      await appendMany(second, 5, 6);
      const rows = await second.query();
      expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(rows[5]?.prevHash).toBe(rows[4]?.hash);
      await expect(second.verify()).resolves.toMatchObject({ ok: true, count: 10 });
    });

    it('keeps one linear chain with two writers at once', async () => {
      const [a, b] = await Promise.all([store.open({ maxBatch: 50 }), store.open({ maxBatch: 50 })]);
      for (let i = 1; i <= 400; i++) void (i % 2 ? a : b).append(rec(i));
      await Promise.all([a.flush(), b.flush()]);
      await expect(a.verify()).resolves.toMatchObject({ ok: true, count: 400, head: { seq: 400 } });
    });

    it('queries by principal, method, target, outcome, time, afterSeq and limit', async () => {
      const log = await store.open();
      await appendMany(log, 12);
      await log.append(rec(13, { method: 'resources/read', outcome: 'refused', reason: 'scope' }));
      const seqs = async (filter: Parameters<typeof log.query>[0]) => (await log.query(filter)).map((r) => r.seq);
      expect(await seqs({ principal: 'bob' })).toEqual([2, 4, 6, 8, 10, 12]);
      expect(await seqs({ target: 'fs__tool0', principal: 'bob' })).toEqual([6, 12]);
      expect(await seqs({ method: 'resources/read' })).toEqual([13]);
      expect(await seqs({ outcome: 'refused' })).toEqual([13]);
      expect(await seqs({ since: Date.UTC(2026, 0, 1, 0, 0, 3), until: new Date(Date.UTC(2026, 0, 1, 0, 0, 5)) })).toEqual([3, 4]);
      expect(await seqs({ since: '2026-01-01T01:00:00+01:00', limit: 2 })).toEqual([1, 2]);
      expect(await seqs({ afterSeq: 10 })).toEqual([11, 12, 13]);
      await expect(log.query({ limit: 0 })).rejects.toThrow(/audit query: limit must be an integer from 1 to 10000, got 0/);
      await expect(log.query({ since: 'soon' })).rejects.toThrow(/since must be/);
    });

    it('refuses a bad record naming the field, tells onError, and leaves the chain alone', async () => {
      const onError = vi.fn();
      const log = await store.open({ onError });
      const bad = log.append({ ...rec(1), durationMs: Number.NaN });
      await expect(bad).rejects.toThrow(InvalidArgumentError);
      await expect(bad).rejects.toThrow(/audit record: durationMs must be a non-negative finite number, got null/);
      void log.append({ ...rec(2), method: 42 as unknown as string }); // dropped, never an unhandled rejection
      await log.append(rec(3));
      expect(onError).toHaveBeenCalledTimes(2);
      await expect(log.verify()).resolves.toMatchObject({ ok: true, count: 1 });
      await log.close();
      await expect(log.append(rec(4))).rejects.toThrow(/audit log: append\(\) after close\(\)/);
      await expect(log.query()).rejects.toThrow(/audit log: used after close\(\)/);
      await expect(log.verify()).rejects.toThrow(/audit log: used after close\(\)/);
    });

    it('follows new records until aborted', async () => {
      const log = await store.open();
      await appendMany(log, 3);
      const seen: number[] = [];
      const controller = new AbortController();
      const done = log.follow(1, (r) => {
        seen.push(r.seq);
        if (r.seq === 5) controller.abort();
      }, controller.signal, { intervalMs: 10, pageSize: 2 });
      await new Promise((r) => setTimeout(r, 30));
      await appendMany(log, 2, 4);
      await expect(done).resolves.toBe(5);
      expect(seen).toEqual([2, 3, 4, 5]);
    });

    describe('tampering', () => {
      async function tampered(sql: string, options?: Parameters<Awaited<ReturnType<StoreFixture['open']>>['verify']>[0]) {
        const log = await store.open();
        await appendMany(log, 10);
        await store.exec(sql);
        return log.verify({ pageSize: 3, ...options });
      }

      it('an edited field is named as edited', async () => {
        const result = await tampered("UPDATE audit_log SET principal = 'mallory' WHERE seq = 5");
        expect(result).toEqual({
          ok: false,
          count: 4,
          firstBad: { seq: 5, reason: 'edited', detail: expect.stringMatching(/^record 5's fields do not match its hash [0-9a-f]{12}…: a field \(or the hash itself\) was changed/) },
        });
      });

      it('edited arguments, duration and hash columns are each caught', async () => {
        expect(await tampered(`UPDATE audit_log SET arguments = '{"i":99}' WHERE seq = 2`)).toMatchObject({ firstBad: { seq: 2, reason: 'edited' } });
        await store.dispose();
        store = await backend.create();
        expect(await tampered('UPDATE audit_log SET duration_ms = duration_ms + 1 WHERE seq = 7')).toMatchObject({ firstBad: { seq: 7, reason: 'edited' } });
        await store.dispose();
        store = await backend.create();
        expect(await tampered("UPDATE audit_log SET hash = prev_hash WHERE seq = 9")).toMatchObject({ firstBad: { seq: 9, reason: 'edited' } });
      });

      it('a deleted middle record is named as the gap', async () => {
        const result = await tampered('DELETE FROM audit_log WHERE seq IN (4, 5)');
        expect(result).toEqual({ ok: false, count: 3, firstBad: { seq: 4, reason: 'deleted', detail: 'records 4..5 are missing: seq 3 is followed by seq 6' } });
      });

      it('two records with swapped seqs are named as reordered', async () => {
        const result = await tampered(
          'UPDATE audit_log SET seq = -1 WHERE seq = 6; UPDATE audit_log SET seq = 6 WHERE seq = 7; UPDATE audit_log SET seq = 7 WHERE seq = -1;',
        );
        expect(result).toEqual({
          ok: false,
          count: 5,
          firstBad: { seq: 6, reason: 'reordered', detail: 'the record stored as seq 6 was written as seq 7 (its hash matches only that position): records were swapped or renumbered' },
        });
      });

      it('a record edited and rehashed shows as a broken link at the next one', async () => {
        const log = await store.open();
        await appendMany(log, 4);
        const [second] = (await log.query({ afterSeq: 1, limit: 1 })) as [StoredAuditRecord];
        const forged = { ...second, principal: 'mallory' };
        const hash = recordHash(forged.prevHash, {
          ...forged,
          arguments: canonicalize(forged.arguments),
          errorCode: null,
          requestId: null,
          sessionId: null,
          route: null,
          reason: null,
        }, 2);
        await store.exec(`UPDATE audit_log SET principal = 'mallory', hash = '${hash}' WHERE seq = 2`);
        expect(await log.verify()).toEqual({
          ok: false,
          count: 2,
          firstBad: { seq: 3, reason: 'broken-link', detail: expect.stringMatching(/^record 3 holds prevHash [0-9a-f]{12}… but seq 2 has hash [0-9a-f]{12}…: record 2 was changed and rehashed/) },
        });
      });

      it('records cut from the end are caught by the head record, or else by an anchored head', async () => {
        const log = await store.open();
        await appendMany(log, 10);
        const anchored = await log.head();
        await store.exec('DELETE FROM audit_log WHERE seq > 8');
        expect(await log.verify()).toEqual({
          ok: false,
          count: 8,
          firstBad: { seq: 9, reason: 'deleted', detail: 'the log ends at seq 8 but the head record is seq 10: records 9..10 were removed from the end' },
        });
        await store.exec(`UPDATE audit_head SET seq = 8, hash = (SELECT hash FROM audit_log WHERE seq = 8)`);
        await expect(log.verify()).resolves.toMatchObject({ ok: true, count: 8 });
        await expect(log.verify({ expectHead: { seq: 10, hash: 'nope' } })).rejects.toThrow(/audit verify: expectHead.hash must be 64 lower-case hex digits, got "nope"/);
        expect(await log.verify({ expectHead: anchored })).toMatchObject({
          ok: false,
          firstBad: { seq: 9, reason: 'deleted', detail: 'the log ends at seq 8 but the expected head is seq 10: records 9..10 were removed from the end' },
        });
      });

      it('the next append after a cut from the end leaves a gap verify names', async () => {
        const log = await store.open();
        await appendMany(log, 5);
        await store.exec('DELETE FROM audit_log WHERE seq = 5');
        await log.append(rec(6));
        expect(await log.verify()).toMatchObject({ ok: false, firstBad: { seq: 5, reason: 'deleted', detail: 'record 5 is missing: seq 4 is followed by seq 6' } });
      });
    });
  });
}
