/**
 * Keeps the benchmark harness working: `node bench/run.mjs --smoke` runs every driver against mcpkit with tiny
 * counts, exits 0, and prints a number for each workload. Never a timed assertion: only that it ran.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One metric per workload the issue lists; each must come out as a number. */
const WORKLOADS = [
  'stdio.seq.p50',
  'stdio.seq.p99',
  'stdio.pipe.cps',
  'stdio.pipe.p99',
  'stdio.pipe.max',
  'http.session.c1.cps',
  'http.session.c16.cps',
  'http.session.c16.p99',
  'http.session.c16.max',
  'http.session.c16.errors',
  'http.stateless.c1.cps',
  'http.stateless.c16.cps',
  'http.stateless.c16.p99',
  'http.stateless.c16.max',
  'http.stateless.c16.errors',
  'list.p50',
  'big.stdio.p50',
  'big.http.p50',
  'memory.open',
  'memory.perIdleSession',
  'memory.afterTtl',
  'cold.ms',
  // issue 14: cold start of every reference server over stdio, and `mcpkit list` wall time
  'cold.server.everything',
  'cold.server.filesystem',
  'cold.server.sqlite',
  'cold.server.weather',
  'cold.server.github',
  'cold.cli.list',
];

function runSmoke(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      // The gateway suite has its own smoke test (bench-gateway-smoke.test.ts).
      [join(root, 'bench', 'run.mjs'), '--smoke', '--suite', 'sdk'],
      { cwd: root, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('bench harness (issue: benchmarks against the official SDKs)', () => {
  it('runs every driver against mcpkit in smoke mode and reports a number per workload', async () => {
    const { code, stdout, stderr } = await runSmoke();
    expect(code, `bench smoke failed:\n${stderr}\n${stdout}`).toBe(0);
    for (const key of WORKLOADS) {
      const escaped = key.replace(/\./g, '\\.');
      expect(stdout, `no number for ${key}`).toMatch(new RegExp(`^${escaped} mcpkit: \\d+(\\.\\d+)?\\b`, 'm'));
    }
    expect(stdout).toMatch(/^memory\.reclaimed mcpkit: (yes|no)$/m);
    expect(stdout).toMatch(/^smoke ok$/m);
  }, 180_000);
});
