/**
 * Keeps the gateway benchmark working: `node bench/run.mjs --smoke --suite gateway` starts the echo server, the
 * gateway in front of it (stdio and HTTP upstreams; API key, scopes, rate limits and SQLite audit on), the audit
 * append driver and the idle-session memory run, all with tiny counts, and prints a number for each. Never a
 * timed assertion: only that every piece ran end to end with no error.
 */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** One metric per workload of the gateway benchmark; each must come out as a number. */
const METRICS = [
  'direct.stdio.stateless.c1.p50',
  'direct.http.stateless.c16.cps',
  'direct.http.session.c16.cps',
  'gw.stdio.stateless.c1.p50',
  'gw.stdio.session.c1.p50',
  'gw.http.stateless.c1.p50',
  'gw.http.session.c1.p50',
  'gw.stdio.stateless.c16.cps',
  'gw.http.session.c16.cps',
  'gw.floorstdio.stateless.c1.p50',
  'gw.floorhttp.stateless.c16.cps',
  'added.stdio.stateless.p50',
  'added.http.stateless.p50',
  'ratio.stdio.stateless.c16',
  'ratio.http.session.c16',
  'audit.rate',
  'memory.baseline',
  'memory.open',
];

function runSmoke(): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'bench', 'run.mjs'), '--smoke', '--suite', 'gateway'],
      { cwd: root, timeout: 150_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

describe('gateway benchmark (issue 8: gateway rows in BENCHMARKS.md)', () => {
  it('runs direct and through-the-gateway loads, the audit driver and the memory run in smoke mode', async () => {
    const { code, stdout, stderr } = await runSmoke();
    expect(code, `gateway bench smoke failed:\n${stderr}\n${stdout}`).toBe(0);
    for (const key of METRICS) {
      const escaped = key.replace(/\./g, '\\.');
      expect(stdout, `no number for ${key}`).toMatch(new RegExp(`^${escaped}: -?\\d+(\\.\\d+)?(e[-+]?\\d+)?$`, 'm'));
    }
    const errorCounts = [...stdout.matchAll(/^(\S+\.errors): (\d+)$/gm)];
    expect(errorCounts.length).toBeGreaterThan(0);
    for (const [, key, count] of errorCounts) expect(count, key).toBe('0');
    expect(stdout).toMatch(/^memory\.allOpen: true$/m);
    expect(stdout).toMatch(/^smoke ok$/m);
  }, 180_000);
});
