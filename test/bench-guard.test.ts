/**
 * The hot-path regression guard of issue 14: `node bench/guard.mjs` measures server CPU per call of mcpkit and the
 * raw Node floor in one run and fails when a ratio passes its limit (about twice today's). Ratios, never
 * absolute times; CPU per call, not latency, so a busy machine does not trip it.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../packages/cli/src/testing/harness.js';

interface Row {
  row: string;
  mcpkitUs: number;
  floorUs: number;
  ratio: number;
  limit: number;
  ok: boolean;
}

describe('bench/guard.mjs (issue 14: a regression guard on the hot paths)', () => {
  it('keeps mcpkit within its limit of the floor on every row', async () => {
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'guard.mjs'), '--rounds', '3', '--json'], { cwd: ROOT, timeout: 240_000 }, (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
      });
    });
    expect(r.code === 0 || r.code === 1, r.stderr).toBe(true);
    const rows = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Row[];
    expect(rows.map((x) => x.row).sort()).toEqual(['http.session', 'http.stateless', 'stdio.pipe']);
    for (const x of rows) {
      expect(x.mcpkitUs, x.row).toBeGreaterThan(0);
      expect(x.floorUs, x.row).toBeGreaterThan(0);
      expect(x.ratio, `${x.row}: mcpkit ${x.mcpkitUs.toFixed(1)} µs vs floor ${x.floorUs.toFixed(1)} µs per call`).toBeLessThanOrEqual(x.limit);
    }
    expect(r.code).toBe(0);
  }, 300_000);
});
