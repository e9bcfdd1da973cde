/**
 * The hot-path regression guard (issue 14): server CPU per `tools/call echo` of mcpkit against the raw Node floor,
 * measured in one run, interleaved, and compared as ratios — never as absolute times, which depend on the
 * machine. CPU time (from /proc, user + system) rather than latency: a busy machine stretches latency by
 * scheduling, while the CPU a server spends per call moves far less. Rows: Streamable HTTP at c=16 in both eras
 * and stdio pipelined. Exits 1 when a ratio passes its limit, which sits about twice above today's ratio, so
 * only a gross regression trips it (an accidental synchronous call, an O(n) walk per request, a lost cache).
 *
 *   node bench/guard.mjs [--rounds N] [--json]
 * @module
 */
import { CONTENDERS } from './lib/contenders.mjs';
import { runDriver, startHttpServer } from './lib/processes.mjs';

const argv = process.argv.slice(2);
const rounds = Math.max(1, Number(argv[argv.indexOf('--rounds') + 1] ?? 3) || 3);

/**
 * Limits on mcpkit / floor, CPU µs per call. Today, on the 2-core machine: HTTP 1.3× on a quiet machine
 * (BENCHMARKS.md) and 1.4–1.6× with the CI run (test suite, conformance) beside it; stdio pipelined 1.3–1.4×.
 * Before the fixes of December 2026 (spread copies, requests kept alive by their cancellation) the 2026-07-28
 * row was 2.3× quiet; these limits would have caught it under load.
 */
const LIMITS = { 'http.stateless': 3.5, 'http.session': 3.5, 'stdio.pipe': 3 };

const mcpkit = CONTENDERS.find((c) => c.id === 'mcpkit');
const floor = CONTENDERS.find((c) => c.id === 'floor');
const HTTP = { concurrency: 16, workload: 'echo', durationMs: 1500, warmupMs: 500 };
const PIPE = { mode: 'pipe', workload: 'echo', window: 16, durationMs: 1500, warmupMs: 60_000, warmupN: 20_000 };
const WARM = { n: 6000, durationMs: 60_000, warmupMs: 0 };

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function cpuOf(result, what) {
  if (!result.ok) throw new Error(`${what}: ${result.error}`);
  if (!(result.serverCpuUsPerCall > 0)) throw new Error(`${what}: no CPU figure (calls ${result.calls}, errors ${result.errors})`);
  return result.serverCpuUsPerCall;
}

async function main() {
  const servers = {};
  const samples = {};
  const add = (row, id, value) => ((samples[row] ??= { mcpkit: [], floor: [] })[id].push(value));
  try {
    for (const c of [mcpkit, floor]) servers[c.id] = await startHttpServer((port) => c.echo(['http', String(port)]));
    // Not measured: each server's hot path JIT-compiled first. Counted in calls, not time, because a busy machine
    // gives a process less CPU per second of warm-up and unoptimized code costs several times the CPU.
    for (const c of [mcpkit, floor]) {
      const s = servers[c.id];
      for (const era of ['stateless', 'session']) await runDriver('http', { url: s.url, pid: s.pid, era, ...HTTP, ...WARM });
    }
    for (let round = 0; round < rounds; round++) {
      // The starting contender alternates, so neither always runs on the machine the other just warmed.
      const order = round % 2 === 0 ? [mcpkit, floor] : [floor, mcpkit];
      for (const era of ['stateless', 'session']) {
        for (const c of order) {
          const s = servers[c.id];
          add(`http.${era}`, c.id, cpuOf(await runDriver('http', { url: s.url, pid: s.pid, era, ...HTTP }), `${c.id} http ${era}`));
        }
      }
      for (const c of order) add('stdio.pipe', c.id, cpuOf(await runDriver('stdio', { ...c.echo(['stdio']), ...PIPE }), `${c.id} stdio pipelined`));
    }
  } finally {
    for (const s of Object.values(servers)) await s.stop();
  }
  const rows = Object.entries(samples).map(([row, by]) => {
    const ratio = median(by.mcpkit) / median(by.floor);
    return { row, mcpkitUs: median(by.mcpkit), floorUs: median(by.floor), ratio, limit: LIMITS[row], ok: ratio <= LIMITS[row] };
  });
  if (argv.includes('--json')) console.log(JSON.stringify(rows));
  else {
    for (const r of rows) {
      console.log(`${r.row.padEnd(15)} mcpkit ${r.mcpkitUs.toFixed(1)} µs, floor ${r.floorUs.toFixed(1)} µs per call: ${r.ratio.toFixed(2)}× (limit ${r.limit}×) ${r.ok ? 'ok' : 'REGRESSION'}`);
    }
  }
  return rows.every((r) => r.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`guard: ${error.message}`);
    process.exit(2);
  },
);
