/**
 * Keeps the trust benchmark working: `node bench/trust/scan.mjs --rounds 1 --tools 60` runs every row (the CLI
 * floor, list, scan with and without a lockfile, scan against the @mcpkit/server catalogue, and the in-process
 * scanner and digests) with a small catalogue and prints its table. Never a timed assertion, and never --write.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from '../../packages/cli/src/testing/harness.js';

describe('bench/trust/scan.mjs', () => {
  it('runs every row end to end and prints a number for each', async () => {
    const r = await run(process.execPath, [join(ROOT, 'bench', 'trust', 'scan.mjs'), '--rounds', '1', '--tools', '60'], { timeoutMs: 150_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('## Trust: `mcpkit scan` on a server with 60 tools');
    const rows = r.stdout.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| workload') && !line.startsWith('| ---'));
    expect(rows).toHaveLength(10);
    // A difference row ("scan minus list") is negative when one round's noise exceeds the scanner's own cost.
    for (const row of rows) expect(row, row).toMatch(/\| -?\d+(\.\d)? ms \| -?\d+(\.\d)? ms \| -?\d+(\.\d)? ms \|$/);
    expect(r.stdout).toContain('Findings on the catalogue: 0');
  }, 180_000);
});
