import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAuditLog } from './open.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'mcpkit-audit-sqlite-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const record = (i: number) => ({
  principal: 'alice',
  keyId: 'k1',
  method: 'tools/call',
  upstream: 'fs',
  target: 'fs__read_file',
  arguments: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  outcome: 'ok' as const,
  durationMs: 0.42,
  bytesIn: 180,
  bytesOut: 950,
  requestId: i,
  sessionId: 'session-1',
});

describe('the SQLite audit store', () => {
  it('creates its folder (0700) and file (0600); the WAL files get 0600 too', async () => {
    const file = join(dir, 'state', 'nested', 'audit.db');
    const log = await openAuditLog({ sqlite: file });
    await log.append(record(1));
    expect(statSync(join(dir, 'state', 'nested')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
    await log.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('names the store when it is neither sqlite nor postgres', async () => {
    await expect(openAuditLog({ redis: 'x' } as never)).rejects.toThrow(/audit store must be \{ sqlite: PATH \} or \{ postgres: URL \}, got \{"redis":"x"\}/);
  });

  it('appends at ≥ 20,000 records/s without holding the event loop (reported, not timed)', async () => {
    const log = await openAuditLog({ sqlite: join(dir, 'audit.db') });
    await log.append(record(0)); // warm up: schema, statements, first sync
    const n = 100_000;
    const lag = monitorEventLoopDelay({ resolution: 5 });
    lag.enable();
    const started = performance.now();
    for (let i = 1; i <= n; i++) void log.append(record(i));
    const queuedMs = performance.now() - started;
    await log.flush();
    const elapsedMs = performance.now() - started;
    lag.disable();
    const rate = Math.round(n / (elapsedMs / 1000));
    const maxLagMs = lag.max / 1e6;
    console.info(
      `[audit bench] SQLite: ${n} records in ${elapsedMs.toFixed(0)} ms = ${rate} records/s ` +
        `(queueing took ${queuedMs.toFixed(0)} ms; longest event-loop stall while writing ${maxLagMs.toFixed(1)} ms; batches of 1,000, synchronous=FULL)`,
    );
    await expect(log.verify()).resolves.toMatchObject({ ok: true, count: n + 1 });
    await log.close();
    // Generous bounds, so slow CI machines pass while a regression to per-record commits does not.
    expect(rate).toBeGreaterThan(2_000);
    expect(maxLagMs).toBeLessThan(1_000);
  }, 120_000);
});
