/**
 * The gateway measurements. Each job starts its processes afresh and returns named metrics for one round:
 * the echo server called directly (stdio, and Streamable HTTP in both eras), the gateway in front of it (stdio
 * and HTTP upstream; API key, scope glob, rate limits, SQLite audit with hashed arguments all on), the audit
 * log's append rate, and the gateway's memory with 10 upstreams and idle sessions.
 * @module
 */
import { join } from 'node:path';
import { CONTENDERS } from '../lib/contenders.mjs';
import { runDriver, startHttpServer } from '../lib/processes.mjs';
import { childrenOf, rssMiB, startGateway, toolOf } from './setup.mjs';

/** Full-run parameters; every loop is bounded by a count and a duration. */
export const GATEWAY_FULL = {
  // Five rather than the SDK suite's three: three processes and the driver share two cores here, so the
  // per-round figures scatter more.
  rounds: 5,
  seq: { n: 5000, durationMs: 2000, warmupN: 1000, warmupMs: 500 },
  http: { concurrencies: [1, 16], durationMs: 2000, warmupMs: 500 },
  audit: { records: 100_000, chunk: 1000 },
  memory: { rounds: 2, upstreams: 10, sessions: 1000, concurrency: 16, settleMs: 2000, openLimitMs: 60_000 },
};

/** Smoke parameters: seconds in all; checks that every piece runs end to end. */
export const GATEWAY_SMOKE = {
  rounds: 1,
  seq: { n: 50, durationMs: 300, warmupN: 10, warmupMs: 100 },
  http: { concurrencies: [1, 16], durationMs: 300, warmupMs: 100 },
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

/** HTTP load in both eras at every concurrency against `url`; metrics under `prefix`. */
async function httpLoad(prefix, p, target) {
  const out = {};
  for (const era of ERAS) {
    for (const concurrency of p.http.concurrencies) {
      const what = `${prefix} ${era} c=${concurrency}`;
      const r = needSome(await runDriver('http', { ...target.driver(), era, concurrency, workload: 'echo', ...p.http }), what);
      const k = `${prefix}.${era}.c${concurrency}`;
      Object.assign(out, {
        [`${k}.cps`]: r.callsPerSec,
        [`${k}.p50`]: r.p50,
        [`${k}.p99`]: r.p99,
        [`${k}.errors`]: r.errors,
        [`${k}.serverUs`]: r.serverCpuUsPerCall,
        // Through the gateway the work is split: the gateway process and its upstream (the echo server).
        ...(r.cpuUsPerCall?.upstream === undefined ? {} : { [`${k}.upstreamUs`]: r.cpuUsPerCall.upstream }),
      });
    }
  }
  return out;
}

/** The echo server over HTTP, as an upstream or called directly. */
const startEchoHttp = () => startHttpServer((port) => mcpkit.echo(['http', String(port)]));

export const GATEWAY_JOBS = [
  {
    id: 'direct-stdio',
    async run(ws, p) {
      const r = need(await runDriver('stdio', { ...mcpkit.echo(['stdio']), mode: 'seq', workload: 'echo', ...p.seq }), 'direct stdio sequential');
      return { 'direct.stdio.c1.p50': r.p50, 'direct.stdio.c1.p99': r.p99 };
    },
  },
  {
    id: 'direct-http',
    async run(ws, p) {
      const echo = await startEchoHttp();
      try {
        return await httpLoad('direct.http', p, { driver: () => ({ url: echo.url, pid: echo.pid }) });
      } finally {
        await echo.stop();
      }
    },
  },
  {
    id: 'gateway-stdio',
    async run(ws, p) {
      const { command, args } = mcpkit.echo(['stdio']);
      const gw = await startGateway(ws, ws.config({ echo: { command, args } }), [toolOf('echo')]);
      try {
        const [upstream] = gw.upstreamPids();
        const out = await httpLoad('gw.stdio', p, {
          driver: () => ({ url: gw.url, pid: gw.pid, pids: upstream ? { upstream } : {}, tool: toolOf('echo'), headers: ws.headers }),
        });
        return { ...out, 'gw.stdio.upstreamEra': gw.upstreamEras().join(', ') };
      } finally {
        await gw.stop();
      }
    },
  },
  {
    id: 'gateway-http',
    async run(ws, p) {
      const echo = await startEchoHttp();
      try {
        const gw = await startGateway(ws, ws.config({ echo: { url: echo.url } }), [toolOf('echo')]);
        try {
          const out = await httpLoad('gw.http', p, {
            driver: () => ({ url: gw.url, pid: gw.pid, pids: { upstream: echo.pid }, tool: toolOf('echo'), headers: ws.headers }),
          });
          return { ...out, 'gw.http.upstreamEra': gw.upstreamEras().join(', ') };
        } finally {
          await gw.stop();
        }
      } finally {
        await echo.stop();
      }
    },
  },
  {
    // Diagnosis, not a production setting: the same gateway with its audit database on tmpfs, where a commit's
    // fsync returns at once. The difference from gateway-stdio is what the per-commit sync on the event loop costs.
    id: 'gateway-tmpfs',
    async run(ws, p) {
      const ram = ws.ramDir();
      if (ram === undefined) return {};
      const { command, args } = mcpkit.echo(['stdio']);
      const gw = await startGateway(ws, ws.config({ echo: { command, args } }, { auditDir: ram }), [toolOf('echo')]);
      try {
        const [upstream] = gw.upstreamPids();
        return await httpLoad('gw.tmpfs', p, {
          driver: () => ({ url: gw.url, pid: gw.pid, pids: upstream ? { upstream } : {}, tool: toolOf('echo'), headers: ws.headers }),
        });
      } finally {
        await gw.stop();
      }
    },
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
