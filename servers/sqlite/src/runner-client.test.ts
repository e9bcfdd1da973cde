/**
 * The query runner's cancellation, against the built database process: a cancel is honoured wherever the
 * operation is waiting (in the queue, for the process to start, or in the statement). Issue 13: an early cancel
 * used to be lost while the process started, and the endless statement then held every later call until the
 * time limit. No assertion here depends on machine speed: a lost cancel shows as a `timeout` failure instead of
 * `cancelled`, however long anything takes.
 * @module
 */
import { rmSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { QueryRunner } from '../dist/runner-client.js';
import { makeFixture } from './test-support.js';

const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';
/** Long enough that a lost cancel cannot go unnoticed, short enough that such a failure reports itself. */
const LIMIT_MS = 5_000;

const fixture = makeFixture();
afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));

const runners: QueryRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.close()));
});

function newRunner(): QueryRunner {
  const runner = new QueryRunner({ path: fixture.db, caps: { maxRows: 10, maxBytes: 65536, maxCell: 1024 }, timeoutMs: LIMIT_MS, write: false });
  runners.push(runner);
  return runner;
}

/** What an operation ended with: its value, or the kind of its RunnerError. */
function outcome(task: Promise<unknown>): Promise<unknown> {
  return task.then(
    (value) => ({ value }),
    (error: unknown) => ({ kind: (error as { kind?: unknown }).kind, message: (error as Error).message }),
  );
}

/** One turn of the event loop: the operation has begun to start its process, which cannot be ready yet. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('QueryRunner cancellation (issue 13)', { timeout: 4 * LIMIT_MS }, () => {
  it('honours a cancel that comes while the database process is starting, and serves the next call', async () => {
    const runner = newRunner();
    const controller = new AbortController();
    const endless = outcome(runner.run({ kind: 'query', sql: ENDLESS }, controller.signal));
    await nextTurn();
    controller.abort();
    expect(await endless).toMatchObject({ kind: 'cancelled' });
    expect(await runner.run({ kind: 'query', sql: 'SELECT 1 AS one' })).toMatchObject({ columns: ['one'], rows: [[1]] });
  });

  it('honours a cancel that comes while the operation waits in the queue', async () => {
    const runner = newRunner();
    const first = new AbortController();
    const second = new AbortController();
    const running = outcome(runner.run({ kind: 'query', sql: ENDLESS }, first.signal));
    const queued = outcome(runner.run({ kind: 'query', sql: 'SELECT 2' }, second.signal));
    second.abort();
    // The queued call is answered while the endless one still runs: only then is that one cancelled.
    expect(await queued).toMatchObject({ kind: 'cancelled' });
    first.abort();
    expect(await running).toMatchObject({ kind: 'cancelled' });
    expect(await runner.run({ kind: 'query', sql: 'SELECT 1 AS one' })).toMatchObject({ rows: [[1]] });
  });

  it('stops a running statement when its request is cancelled', async () => {
    const runner = newRunner();
    // The process is up, so the cancel below reaches a statement that is running.
    await runner.run({ kind: 'listTables' });
    const controller = new AbortController();
    const endless = outcome(runner.run({ kind: 'query', sql: ENDLESS }, controller.signal));
    await nextTurn();
    controller.abort();
    expect(await endless).toMatchObject({ kind: 'cancelled' });
    expect(await runner.run({ kind: 'query', sql: 'SELECT 1 AS one' })).toMatchObject({ rows: [[1]] });
  });

  it('still stops a statement that outruns the limit', async () => {
    const runner = newRunner();
    expect(await outcome(runner.run({ kind: 'query', sql: ENDLESS }))).toMatchObject({ kind: 'timeout' });
  });
});
