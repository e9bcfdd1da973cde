/**
 * The measurements: each job measures one workload for one contender, starting that contender's server
 * afresh, and returns named metrics. Parameters come from `params` (full run or smoke).
 * @module
 */
import { runDriver, startHttpServer } from './processes.mjs';
import { CLI, CLI_TARGET, REFERENCE_SERVERS, withScratch } from './reference-servers.mjs';

/** Full-run parameters; every loop is bounded by a count and a duration. */
export const FULL = {
  rounds: 3,
  // Warm-ups long enough for V8's optimizing compiler to settle in every contender: after 1,000 sequential calls
  // (55 ms) or 500 ms of HTTP the p99 rows measured the JIT's tier-up, not the server (stdio p99: mcpkit 0.45 ms,
  // floor 0.22 ms; after 10,000 calls both 0.10 ms). A server runs for hours; its first second is the JIT's.
  stdioSeq: { n: 5000, durationMs: 2000, warmupN: 10_000, warmupMs: 3000 },
  stdioPipe: { window: 64, durationMs: 2000, warmupMs: 2000, warmupN: 200_000 },
  http: { concurrencies: [1, 16], durationMs: 2000, warmupMs: 3000 },
  list: { tools: 1000, n: 300, durationMs: 2000, warmupN: 30, warmupMs: 1000 },
  big: { n: 40, durationMs: 3000, warmupN: 5, warmupMs: 1000 },
  cold: { repeats: 3 },
  memory: { rounds: 2, sessions: 10_000, warmSessions: 500, concurrency: 16, idleTtlMs: 15_000, openLimitMs: 90_000 },
};

/** Smoke parameters: seconds in all, tiny counts; checks that every driver works. */
export const SMOKE = {
  rounds: 1,
  stdioSeq: { n: 50, durationMs: 300, warmupN: 10, warmupMs: 100 },
  stdioPipe: { window: 16, durationMs: 300, warmupMs: 100 },
  http: { concurrencies: [1, 16], durationMs: 300, warmupMs: 100 },
  list: { tools: 1000, n: 5, durationMs: 500, warmupN: 1, warmupMs: 200 },
  big: { n: 3, durationMs: 1000, warmupN: 1, warmupMs: 200 },
  cold: { repeats: 1 },
  // 200 sessions (20 of them the warm-up) and a 3 s TTL: enough that the oldest is still open at the reading.
  memory: { rounds: 1, sessions: 200, warmSessions: 20, concurrency: 8, idleTtlMs: 3000, openLimitMs: 10_000 },
};

/** Ends a session reclaim wait: TTL plus one sweep interval (both sweepers run every TTL/2) plus margin. */
const reclaimWaitMs = (ttl) => ttl + ttl / 2 + 2000;

function need(result, what) {
  if (!result.ok) throw new Error(`${what}: ${result.error}`);
  if (result.errors > 0) throw new Error(`${what}: ${result.errors} errors, e.g. ${result.errorSamples?.[0]}`);
  return result;
}

/** Like need(), but HTTP load keeps its error count as a metric and fails only when nothing succeeded. */
function needSome(result, what) {
  if (!result.ok) throw new Error(`${what}: ${result.error}`);
  if (result.calls === 0) throw new Error(`${what}: no call succeeded; ${result.errors} errors, e.g. ${result.errorSamples?.[0]}`);
  return result;
}

export const JOBS = [
  {
    id: 'stdio-seq',
    async run(c, p, opts) {
      const r = need(await runDriver('stdio', { ...c.echo(['stdio'], opts), mode: 'seq', workload: 'echo', ...p.stdioSeq }, 'split'), 'stdio sequential');
      return { 'stdio.seq.p50': r.p50, 'stdio.seq.p99': r.p99 };
    },
  },
  {
    // The same on one core: a hand-off instead of a cross-core wake-up, so the code path's own cost shows.
    id: 'stdio-seq-1cpu',
    async run(c, p, opts) {
      const config = { ...c.echo(['stdio'], opts), mode: 'seq', workload: 'echo', ...p.stdioSeq };
      const r = need(await runDriver('stdio', config, 'shared'), 'stdio sequential on one core');
      return { 'stdio.seq1.p50': r.p50, 'stdio.seq1.p99': r.p99 };
    },
  },
  {
    id: 'stdio-pipe',
    async run(c, p, opts) {
      const config = { ...c.echo(['stdio'], opts), mode: 'pipe', workload: 'echo', latency: true, ...p.stdioPipe };
      const r = need(await runDriver('stdio', config, 'split'), 'stdio pipelined');
      return {
        'stdio.pipe.cps': r.callsPerSec,
        'stdio.pipe.p99': r.p99,
        'stdio.pipe.max': r.max,
        'stdio.pipe.serverUs': r.serverCpuUsPerCall,
        'stdio.pipe.driverUs': r.driverCpuUsPerCall,
      };
    },
  },
  {
    id: 'http',
    async run(c, p, opts) {
      const server = await startHttpServer((port) => c.echo(['http', String(port)], opts), undefined, 'split');
      const out = {};
      try {
        for (const era of ['session', 'stateless']) {
          if (era === 'stateless' && !c.stateless) continue;
          for (const concurrency of p.http.concurrencies) {
            const what = `HTTP ${era} c=${concurrency}`;
            const config = { url: server.url, pid: server.pid, era, concurrency, workload: 'echo', ...p.http };
            const r = needSome(await runDriver('http', config, 'split'), what);
            const k = `http.${era}.c${concurrency}`;
            Object.assign(out, {
              [`${k}.cps`]: r.callsPerSec,
              [`${k}.p50`]: r.p50,
              [`${k}.p99`]: r.p99,
              // The slowest call is a figure of load: reported where calls queue (c > 1).
              ...(concurrency > 1 ? { [`${k}.max`]: r.max } : {}),
              [`${k}.errors`]: r.errors,
              [`${k}.serverUs`]: r.serverCpuUsPerCall,
              [`${k}.driverUs`]: r.driverCpuUsPerCall,
            });
          }
        }
      } finally {
        await server.stop();
      }
      return out;
    },
  },
  {
    id: 'list',
    async run(c, p) {
      const spec = c.bench(['stdio', '--tools', String(p.list.tools)]);
      const config = { ...spec, mode: 'seq', workload: 'list', expectTools: p.list.tools, ...p.list };
      const r = need(await runDriver('stdio', config, 'split'), 'tools/list');
      return { 'list.p50': r.p50, 'list.p99': r.p99 };
    },
  },
  {
    id: 'big-stdio',
    async run(c, p) {
      const r = need(await runDriver('stdio', { ...c.bench(['stdio']), mode: 'seq', workload: 'big', ...p.big }, 'split'), 'big over stdio');
      return { 'big.stdio.p50': r.p50 };
    },
  },
  {
    id: 'big-http',
    async run(c, p) {
      const server = await startHttpServer((port) => c.bench(['http', String(port)]), undefined, 'split');
      try {
        const config = { url: server.url, era: 'session', concurrency: 1, workload: 'big', ...p.big };
        const r = need(await runDriver('http', config, 'split'), 'big over HTTP');
        return { 'big.http.p50': r.p50 };
      } finally {
        await server.stop();
      }
    },
  },
  {
    id: 'cold',
    async run(c, p, opts) {
      const r = need(await runDriver('stdio', { ...c.echo(['stdio'], opts), mode: 'cold', workload: 'echo', ...p.cold }), 'cold start');
      return { 'cold.ms': r.ms };
    },
  },
  // One job per reference server, so one that fails leaves the others' rows standing.
  ...REFERENCE_SERVERS.map((server) => ({
    id: `cold-server-${server.id}`,
    only: 'mcpkit', // mcpkit's own reference servers; the official SDKs ship none of these
    async run(c, p) {
      return withScratch(async (dir) => {
        const config = { ...server.spec(dir), mode: 'cold', workload: 'list', ...p.cold };
        return { [`cold.server.${server.id}`]: need(await runDriver('stdio', config), `cold start of mcpkit-${server.id}`).ms };
      });
    },
  })),
  {
    id: 'cold-cli',
    only: 'mcpkit', // the official SDKs have no command line
    async run(c, p) {
      return withScratch(async (dir) => {
        const target = REFERENCE_SERVERS.find((s) => s.id === CLI_TARGET).spec(dir);
        const config = { command: CLI.command, args: [...CLI.args, 'list', '--', target.command, ...target.args], repeats: p.cold.repeats, expect: 'echo' };
        return { 'cold.cli.list': need(await runDriver('cli', config), '`mcpkit list` wall time').ms };
      });
    },
  },
  {
    id: 'memory',
    memory: true,
    async run(c, p) {
      const m = p.memory;
      const server = await startHttpServer((port) => c.bench(['http', String(port), '--idle-ttl-ms', String(m.idleTtlMs)]));
      try {
        // Contenders without an idle TTL never reclaim: waiting for them would only spend time.
        const ttlWaitMs = c.idleTtl ? reclaimWaitMs(m.idleTtlMs) : 0;
        const r = need(
          await runDriver('sessions', {
            url: server.url,
            pid: server.pid,
            count: m.sessions,
            warmSessions: m.warmSessions,
            concurrency: m.concurrency,
            ttlWaitMs,
            openLimitMs: m.openLimitMs,
            timeLimitMs: m.openLimitMs + ttlWaitMs + 30_000,
          }),
          'idle sessions',
        );
        return {
          'memory.baseline': r.baselineMiB,
          'memory.open': r.openRssMiB,
          'memory.perIdleSession': r.perIdleSessionKiB,
          'memory.opened': r.opened,
          'memory.openSeconds': r.openMs / 1000,
          'memory.allOpen': r.allOpenAtReading,
          'memory.afterTtl': r.afterTtlRssMiB,
          'memory.reclaimed': c.idleTtl ? r.reclaimed : undefined,
        };
      } finally {
        await server.stop();
      }
    },
  },
];
