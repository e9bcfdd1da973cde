/**
 * With real child processes. "A crash loses no record that was acknowledged as written" (issue 8): a child
 * appends, prints how many appends have resolved, and is killed with SIGKILL; every acknowledged record must be
 * there, chained. And a child and this process writing one SQLite file keep one linear chain.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openAuditLog } from './open.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..', '..');
let work: string;

/** Node 20 cannot run TypeScript: the audit sources are transpiled beside the child, which imports them. */
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mcpkit-audit-crash-'));
  mkdirSync(join(work, 'audit'));
  symlinkSync(join(repoRoot, 'node_modules'), join(work, 'node_modules'), 'dir');
  writeFileSync(join(work, 'package.json'), '{"type":"module"}');
  for (const name of readdirSync(here)) {
    if (!name.endsWith('.ts') || name.endsWith('.test.ts')) continue;
    const { outputText } = ts.transpileModule(readFileSync(join(here, name), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    writeFileSync(join(work, 'audit', name.replace(/\.ts$/, '.js')), outputText);
  }
  writeFileSync(join(work, 'child.js'), CHILD);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

// Appends in bursts nobody awaits, and now and then awaits the latest one and reports how many have resolved.
const CHILD = `
import { openAuditLog } from './audit/index.js';
const log = await openAuditLog({ sqlite: process.argv[2] });
let resolved = 0;
let i = 0;
for (let burst = 1; ; burst++) {
  let last;
  for (let k = 0; k < 700; k++) {
    i++;
    last = log.append({ method: 'tools/call', target: 'fs__read_file', arguments: { i }, outcome: 'ok', durationMs: 1, requestId: i });
    last.then(() => { resolved++; });
  }
  if (burst % 4 === 0) {
    await last;
    await Promise.resolve(); // let the .then counters above run
    process.stdout.write('acked ' + resolved + '\\n');
  } else {
    await new Promise((r) => setImmediate(r));
  }
}
`;

/** Starts the child writer on `file` and resolves once it has acknowledged at least `atLeast` records. */
async function startWriter(file: string, atLeast: number) {
  const child = spawn(process.execPath, [join(work, 'child.js'), file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  // Keep reading the child's output to the end, so it never sees a closed pipe before the kill.
  const acked = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^acked (\d+)$/.exec(line);
      if (match && Number(match[1]) >= atLeast) resolve(Number(match[1]));
    });
    void exited.then((how) => reject(new Error(`the child ended (${how}) before acknowledging ${atLeast} records: ${stderr}`)));
  });
  const kill = async () => {
    child.kill('SIGKILL');
    expect(await exited, `the child ended on its own: ${stderr}`).toBe('SIGKILL');
  };
  return { acked, kill };
}

it('keeps every acknowledged record, chained, when the writer is SIGKILLed mid-stream', async () => {
  const file = join(work, 'audit.db');
  const writer = await startWriter(file, 30_000);
  // Kill a little later, at a random moment, so it sometimes lands inside a transaction.
  await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
  await writer.kill();
  const { acked } = writer;

  const log = await openAuditLog({ sqlite: file });
  const result = await log.verify();
  expect(result).toMatchObject({ ok: true });
  const count = result.ok ? result.count : 0;
  console.info(`[audit crash] acked ${acked} before SIGKILL; ${count} records survived, chain intact`);
  expect(count).toBeGreaterThanOrEqual(acked);
  // The chain goes on from where the killed writer stopped.
  await log.append({ method: 'tools/list', outcome: 'ok', durationMs: 0 });
  await expect(log.verify()).resolves.toMatchObject({ ok: true, count: count + 1 });
  await log.close();
}, 60_000);

it('keeps one chain when two processes write the same SQLite file', async () => {
  const file = join(work, 'shared.db');
  const writer = await startWriter(file, 2_000);
  const log = await openAuditLog({ sqlite: file });
  for (let i = 0; i < 20; i++) {
    for (let k = 0; k < 250; k++) void log.append({ method: 'tools/call', principal: 'parent', outcome: 'ok', durationMs: 0 });
    await log.flush();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await writer.kill();
  const result = await log.verify();
  expect(result).toMatchObject({ ok: true });
  const seqs = (await log.query({ principal: 'parent', limit: 10_000 })).map((r) => r.seq);
  expect(seqs).toHaveLength(5_000);
  // The parent's batches landed between the child's: the two really took turns on one chain.
  expect((seqs[seqs.length - 1] as number) - (seqs[0] as number)).toBeGreaterThan(5_000);
  await log.close();
}, 60_000);
