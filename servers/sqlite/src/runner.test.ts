/**
 * The database process ends when its server is gone, even if the server died before it finished starting
 * with an endless statement already sent (issue 13: failed runs left database processes burning CPU).
 * @module
 */
import { fork, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeFixture } from './test-support.js';

const RUNNER = fileURLToPath(new URL('../dist/runner.js', import.meta.url));
const ENDLESS = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c';

const fixture = makeFixture();
afterAll(() => rmSync(fixture.dir, { recursive: true, force: true }));

/** The pid of a process that has exited: a server that is gone. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('mcpkit-sqlite database process', () => {
  it('ends by itself when its server died before it started, even with an endless statement sent', { timeout: 30_000 }, async () => {
    // What the database process sees when its server dies while it starts: a parent other than the server
    // that forked it (the real one is re-parented to init). Here the test plays the new parent and keeps the
    // channel open, so only the server pid can tell the process to go.
    const child = fork(RUNNER, [String(await deadPid())], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.send({ id: 1, path: fixture.db, caps: { maxRows: 10, maxBytes: 65536, maxCell: 1024 }, op: { kind: 'query', sql: ENDLESS } });
    // The bound only keeps a failure from leaving the process behind; a working one is gone at start-up.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    expect(code, 'the database process outlived its server (killed after 15 s)').toBe(0);
  });
});
