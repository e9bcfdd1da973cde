/**
 * The gateway measurements. Each job starts its processes afresh and returns named metrics for one round:
 * `comparisons` (the echo server called directly over stdio and Streamable HTTP in both eras, against the
 * gateway in front of it with a stdio and an HTTP upstream; API key, scope glob, rate limits, SQLite audit with
 * hashed arguments all on), the audit log's append rate, and the gateway's memory with 10 upstreams and idle
 * sessions.
 * @module
 */
import { join } from 'node:path';
import { CONTENDERS } from '../lib/contenders.mjs';
import { runDriver, startHttpServer } from '../lib/processes.mjs';
import { childrenOf, rssMiB, startGateway, toolOf } from './setup.mjs';

const FLOOR_RELAY = new URL('./floor-relay.mjs', import.meta.url).pathname;

/** Full-run parameters; every loop is bounded by a count and a duration. */
export const GATEWAY_FULL = {
  // Five rather than the SDK suite's three: three processes and the driver share two cores here, so the
  // per-round figures scatter more.
  rounds: 5,
  seq: { n: 5000, durationMs: 2000, warmupN: 1000, warmupMs: 500 },
  http: { concurrencies: [1, 16], durationMs: 2000, warmupMs: 500 },
  // Every server process (direct or gateway) is run this long at c=16 in each era before the first measurement:
  // the gateway is a long-running service, and its steady state, not V8's warm-up of a fresh process, is measured.
  warm: { durationMs: 2000 },
  audit: { records: 100_000, chunk: 1000 },
  memory: { rounds: 2, upstreams: 10, sessions: 1000, concurrency: 16, settleMs: 2000, openLimitMs: 60_000 },
};

/** Smoke parameters: seconds in all; checks that every piece runs end to end. */
export const GATEWAY_SMOKE = {
  rounds: 1,
  seq: { n: 50, durationMs: 300, warmupN: 10, warmupMs: 100 },
  http: { concurrencies: [1, 16], durationMs: 300, warmupMs: 100 },
  warm: { durationMs: 100 },
  audit: { records: 2000, chunk: 500 },
  memory: { rounds: 1, upstreams: 2, sessions: 20, concurrency: 4, settleMs: 100, openLimitMs: 10_000 },
};

const ERAS = ['stateless', 'session'];
const mcpkit = CONTENDERS.find((c) => c.id === 'mcpkit');

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

/** One HTTP measurement of `target` (era, concurrency); its metrics under `<prefix>.<era>.c<concurrency>`. */
async function httpOnce(target, era, concurrency, p) {
  const what = `${target.prefix} ${era} c=${concurrency}`;
  const r = needSome(await runDriver('http', { ...target.driver(), era, concurrency, workload: 'echo', ...p.http }), what);
  const k = `${target.prefix}.${era}.c${concurrency}`;
  return {
    [`${k}.cps`]: r.callsPerSec,
    [`${k}.p50`]: r.p50,
    [`${k}.p99`]: r.p99,
    [`${k}.errors`]: r.errors,
    [`${k}.serverUs`]: r.serverCpuUsPerCall,
    // Through the gateway the work is split: the gateway process and its upstream (the echo server).
    ...(r.cpuUsPerCall?.upstream === undefined ? {} : { [`${k}.upstreamUs`]: r.cpuUsPerCall.upstream }),
  };
}

/** The direct stdio baseline, measured inside each era's c=1 block so it sits next to what it is compared with. */
async function stdioOnce(era, p) {
  const r = need(await runDriver('stdio', { ...mcpkit.echo(['stdio']), mode: 'seq', workload: 'echo', ...p.seq }), 'direct stdio sequential');
  return { [`direct.stdio.${era}.c1.p50`]: r.p50, [`direct.stdio.${era}.c1.p99`]: r.p99 };
}

/** The echo server over HTTP, as an upstream or called directly. */
const startEchoHttp = () => startHttpServer((port) => mcpkit.echo(['http', String(port)]));

/**
 * Everything the latency and throughput tables compare, in one job per round: the echo server over HTTP (called
 * directly, and the HTTP upstream), a gateway with a stdio upstream, one with that HTTP upstream, and the tmpfs
 * diagnosis, all started first and left running; then, for each era and concurrency, one measurement of each
 * back to back, in an order that rotates. Compared figures are thus seconds apart, not a job apart, which
 * matters on a machine whose load swings from one minute to the next.
 */
async function comparisons(ws, p, round, onFailure) {
  const { command, args } = mcpkit.echo(['stdio']);
  const started = [];
  const out = {};
  try {
    const echo = await startEchoHttp();
    started.push(echo);
    const gateway = async (prefix, config) => {
      const gw = await startGateway(ws, config, [toolOf('echo')]);
      started.push(gw);
      const upstream = prefix === 'gw.http' ? echo.pid : gw.upstreamPids()[0];
      out[`${prefix}.upstreamEra`] = gw.upstreamEras().join(', ');
      return { prefix, driver: () => ({ url: gw.url, pid: gw.pid, pids: upstream ? { upstream } : {}, tool: toolOf('echo'), headers: ws.headers }) };
    };
    const targets = [
      { prefix: 'direct.http', driver: () => ({ url: echo.url, pid: echo.pid }) },
      await gateway('gw.stdio', ws.config({ echo: { command, args } })),
      await gateway('gw.http', ws.config({ echo: { url: echo.url } })),
    ];
    // Diagnosis, not a production setting: the stdio-upstream gateway with its audit database on tmpfs, where a
    // commit's fsync returns at once. The difference from gw.stdio is what the syncs (on the audit writer thread) cost.
    const ram = ws.ramDir();
    if (ram !== undefined) targets.push(await gateway('gw.tmpfs', ws.config({ echo: { command, args } }, { auditDir: ram })));
    // The floor: a bare Node relay in front of the same upstreams (2026-07-28 only), for what the targets ask.
    const floor = async (prefix, relayArgs) => {
      const relay = await startHttpServer((port) => ({ command: process.execPath, args: [FLOOR_RELAY, String(port), ...relayArgs] }));
      started.push(relay);
      const upstream = prefix === 'gw.floorhttp' ? echo.pid : childrenOf(relay.pid)[0];
      return { prefix, statelessOnly: true, driver: () => ({ url: relay.url, pid: relay.pid, pids: upstream ? { upstream } : {}, tool: toolOf('echo') }) };
    };
    targets.push(await floor('gw.floorstdio', ['stdio', command, ...args]), await floor('gw.floorhttp', ['http', echo.url]));
    for (const target of targets) {
      for (const era of ERAS) {
        if (target.statelessOnly && era !== 'stateless') continue;
        // Not recorded: brings every process to its steady state (JIT-compiled hot paths) before any comparison.
        needSome(await runDriver('http', { ...target.driver(), era, concurrency: 16, workload: 'echo', durationMs: p.warm.durationMs, warmupMs: 0 }), `${target.prefix} ${era} warm-up`);
      }
    }
    let block = 0;
    for (const concurrency of p.http.concurrencies) {
      for (const era of ERAS) {
        const steps = targets.filter((t) => !t.statelessOnly || era === 'stateless').map((t) => () => httpOnce(t, era, concurrency, p));
        if (concurrency === 1) steps.push(() => stdioOnce(era, p));
        const shift = (round + block++) % steps.length;
        for (const step of [...steps.slice(shift), ...steps.slice(0, shift)]) {
          try {
            Object.assign(out, await step());
          } catch (error) {
            onFailure(error);
          }
        }
      }
    }
    return out;
  } finally {
    for (const s of started.reverse()) await s.stop();
  }
}

export const GATEWAY_JOBS = [
  {
    id: 'comparisons',
    run: comparisons,
  },
  {
    id: 'audit',
    async run(ws, p, round) {
      const r = need(await runDriver('audit', { path: join(ws.dir, `audit-rate-${round}.db`), ...p.audit }), 'audit append rate');
      return { 'audit.rate': r.recordsPerSec, 'audit.cpuUs': r.cpuUsPerRecord, 'audit.maxStallMs': r.maxStallMs, 'audit.records': r.records };
    },
  },
  {
    id: 'memory',
    memory: true,
    async run(ws, p) {
      const m = p.memory;
      const { command, args } = mcpkit.echo(['stdio']);
      const servers = Object.fromEntries(Array.from({ length: m.upstreams }, (_, i) => [`echo${i}`, { command, args }]));
      const gw = await startGateway(ws, ws.config(servers), Object.keys(servers).map(toolOf), 60_000);
      try {
        await new Promise((r) => setTimeout(r, p.memory.settleMs)); // the upstreams' catalogues and first GC settle
        const r = need(
          await runDriver('sessions', {
            url: gw.url,
            pid: gw.pid,
            headers: ws.headers,
            count: m.sessions,
            concurrency: m.concurrency,
            ttlWaitMs: 0,
            openLimitMs: m.openLimitMs,
            timeLimitMs: m.openLimitMs + 30_000,
          }),
          'idle sessions through the gateway',
        );
        const upstreams = childrenOf(gw.pid);
        const upstreamRss = upstreams.map(rssMiB).filter((v) => v !== undefined);
        return {
          'memory.baseline': r.baselineMiB,
          'memory.open': r.openRssMiB,
          'memory.perSession': r.perSessionKiB,
          'memory.opened': r.opened,
          'memory.openSeconds': r.openMs / 1000,
          'memory.allOpen': r.allOpenAtReading,
          'memory.upstreams': upstreams.length,
          'memory.upstreamRss': upstreamRss.reduce((a, b) => a + b, 0),
        };
      } finally {
        await gw.stop();
      }
    },
  },
];
