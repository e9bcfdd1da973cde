#!/usr/bin/env node
/**
 * The scale-out benchmark (issue 10), in rounds that interleave the rows:
 * - the rate limiter's store: one GCRA cell charged per call, in this process, on `MemoryRateLimitStore` and on
 *   `RedisRateLimitStore` (one Lua script per call), sequentially (latency) and with 16 calls in flight;
 * - one gateway replica against two behind the same round-robin proxy process (bench/scale/rr-proxy.mjs), both
 *   with sealed sessions and Redis, c=16, in both eras: calls/s;
 * - the cross-replica hop in the session era: c=1 through the proxy to one replica (every request where the
 *   session lives) against two (each request on the other replica), p50; and the first request of a session on
 *   a replica that has not seen it (open the sealed id, restore the session) against a later one.
 * Usage: `node bench/scale/scale.mjs [--rounds N] [--write]` (`--write` rewrites the scale section of
 * BENCHMARKS.md); `npm run bench:scale` builds first and writes. Needs Redis on 127.0.0.1:6379. Never a timed
 * assertion: it reports.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createWorkspace, startGateway, toolOf } from '../gateway/setup.mjs';
import { CONTENDERS } from '../lib/contenders.mjs';
import { machineInfo } from '../lib/machine.mjs';
import { runDriver, startHttpServer } from '../lib/processes.mjs';
import { latencySummary, median } from '../lib/stats.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const GATEWAY_DIST = join(ROOT, 'packages', 'gateway', 'dist');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const i = argv.indexOf(name);
  return i < 0 ? fallback : Number(argv[i + 1]);
};
const rounds = Math.max(1, option('--rounds', 3));
const write = argv.includes('--write');
const REDIS_URL = 'redis://127.0.0.1:6379';
const BEGIN = '<!-- scale-bench:begin (bench/scale/scale.mjs --write rewrites this section) -->';
const END = '<!-- scale-bench:end -->';

if (!existsSync(join(GATEWAY_DIST, 'store', 'redis-rate-limit-store.js'))) {
  console.error('bench:scale: the gateway is not built; run `npm run build` first');
  process.exit(2);
}
if (!(await redisAnswers())) {
  console.error(`bench:scale: Redis does not answer at ${REDIS_URL}; start it with: redis-server --daemonize yes`);
  process.exit(2);
}

const { MemoryRateLimitStore } = await import(pathToFileURL(join(GATEWAY_DIST, 'security', 'rate-limit-store.js')).href);
const { RedisRateLimitStore } = await import(pathToFileURL(join(GATEWAY_DIST, 'store', 'redis-rate-limit-store.js')).href);
const { connectRedis } = await import(pathToFileURL(join(GATEWAY_DIST, 'store', 'redis-client.js')).href);

function redisAnswers() {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: 6379 }, () => socket.write('PING\r\n'));
    socket.setTimeout(2000, () => (socket.destroy(), resolve(false)));
    socket.once('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
    socket.once('error', () => resolve(false));
  });
}

/** One cell per call, as a `per: principal` rule with a limit never reached. */
async function limiterRow(store, label) {
  const cell = [{ group: `bench${randomBytes(4).toString('hex')}`, member: 'principal', rate: { limit: 1e9, windowMs: 60_000 } }];
  const seq = [];
  for (let i = 0; i < 500; i++) await store.takeAll(cell, Date.now()); // warm-up
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < 5000; i++) {
    const s = performance.now();
    await store.takeAll(cell, Date.now());
    seq.push(performance.now() - s);
  }
  const seqMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  let done = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (done < 20_000) {
        done++;
        await store.takeAll(cell, Date.now());
      }
    }),
  );
  const parallelMs = performance.now() - t1;
  const lat = latencySummary(seq);
  return {
    [`limiter.${label}.p50`]: lat.p50,
    [`limiter.${label}.p99`]: lat.p99,
    [`limiter.${label}.cpuUs`]: (cpu.user + cpu.system) / 5000,
    [`limiter.${label}.seqCps`]: (5000 / seqMs) * 1000,
    [`limiter.${label}.c16cps`]: (done / parallelMs) * 1000,
  };
}

const mcpkit = CONTENDERS.find((c) => c.id === 'mcpkit');

/** Two gateways with sealed sessions on Redis, and one proxy in front of the first, one in front of both. */
async function startCluster(ws) {
  process.env.MCPKIT_BENCH_SESSION_SECRET = randomBytes(32).toString('base64url');
  const { command, args } = mcpkit.echo(['stdio']);
  const extra = `sessions:\n  secret: \${env:MCPKIT_BENCH_SESSION_SECRET}\nstorage:\n  redis: ${REDIS_URL}\n`;
  const gateways = [];
  for (let i = 0; i < 2; i++) {
    const file = ws.config({ echo: { command, args } });
    appendFileSync(file, extra);
    gateways.push(await startGateway(ws, file, [toolOf('echo')]));
  }
  const proxy = (targets) => startHttpServer((port) => ({ command: process.execPath, args: [join(HERE, 'rr-proxy.mjs'), String(port), ...targets.map((g) => new URL(g.url).origin)] }));
  const one = await proxy([gateways[0]]);
  const two = await proxy(gateways);
  return { gateways, one, two, stop: async () => Promise.all([one.stop(), two.stop(), ...gateways.map((g) => g.stop())]) };
}

async function throughputRows(ws, cluster) {
  const out = {};
  const driver = (proxy, era, concurrency) => ({ url: proxy.url, pid: proxy.pid, headers: ws.headers, tool: toolOf('echo'), era, concurrency, workload: 'echo', durationMs: 2000, warmupMs: 500 });
  for (const era of ['session', 'stateless']) {
    for (const [name, proxy] of [['one', cluster.one], ['two', cluster.two]]) {
      const r = await runDriver('http', driver(proxy, era, 16));
      if (!r.ok) throw new Error(`${name} ${era} c=16: ${r.error}`);
      out[`replicas.${name}.${era}.c16.cps`] = r.callsPerSec;
      out[`replicas.${name}.${era}.c16.errors`] = r.errors;
    }
  }
  for (const [name, proxy] of [['one', cluster.one], ['two', cluster.two]]) {
    const r = await runDriver('http', driver(proxy, 'session', 1));
    if (!r.ok) throw new Error(`${name} session c=1: ${r.error}`);
    out[`replicas.${name}.session.c1.p50`] = r.p50;
  }
  return out;
}

/** The first request of a session on a replica that has not seen it, against a later request there. */
async function restoreRows(ws, cluster) {
  const [a, b] = cluster.gateways;
  const base = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...ws.headers };
  const post = async (url, body, headers = {}) => {
    const res = await fetch(url, { method: 'POST', headers: { ...base, ...headers }, body: JSON.stringify(body) });
    await res.text();
    return res;
  };
  const first = [];
  const later = [];
  for (let i = 0; i < 200; i++) {
    const init = await post(a.url, { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
    const h = { 'mcp-session-id': init.headers.get('mcp-session-id'), 'mcp-protocol-version': '2025-11-25' };
    await post(a.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, h);
    let t = performance.now();
    const r1 = await post(b.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, h);
    first.push(performance.now() - t);
    t = performance.now();
    const r2 = await post(b.url, { jsonrpc: '2.0', id: 3, method: 'ping' }, h);
    later.push(performance.now() - t);
    if (r1.status !== 200 || r2.status !== 200) throw new Error(`restore: HTTP ${r1.status} / ${r2.status}`);
    await fetch(a.url, { method: 'DELETE', headers: { ...base, ...h } });
  }
  return { 'restore.first.p50': median(first), 'restore.later.p50': median(later) };
}

const results = {};
const failures = [];
const started = Date.now();
const startInfo = machineInfo();
const push = (metrics) => {
  for (const [k, v] of Object.entries(metrics)) (results[k] ??= []).push(v);
};
const redis = await connectRedis(REDIS_URL);
const ws = await createWorkspace();
let cluster;
try {
  cluster = await startCluster(ws);
  for (let round = 0; round < rounds; round++) {
    for (const [what, run] of [
      ['limiter memory', () => limiterRow(new MemoryRateLimitStore(), 'memory')],
      ['limiter redis', () => limiterRow(new RedisRateLimitStore(redis, { prefix: 'mcpkit-bench:' }), 'redis')],
      ['replicas', () => throughputRows(ws, cluster)],
      ['restore', () => restoreRows(ws, cluster)],
    ]) {
      try {
        const metrics = await run();
        push(metrics);
        console.error(`scale round ${round + 1} ${what}: ${Object.entries(metrics).map(([k, v]) => `${k}=${+v.toPrecision(4)}`).join(' ')}`);
      } catch (error) {
        failures.push(`round ${round + 1} ${what}: ${error.message}`);
        console.error(`scale round ${round + 1} ${what}: FAILED ${error.message}`);
      }
    }
  }
} finally {
  await cluster?.stop();
  ws.remove();
  await redis.close();
}

const m = (k) => median(results[k] ?? []);
const f = (v, d = 3) => (typeof v === 'number' && Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(d)) : '—');
const ratio = (a, b) => (typeof a === 'number' && typeof b === 'number' && b > 0 ? `${(a / b).toFixed(2)}×` : '—');
const endInfo = machineInfo();
const section = [
  BEGIN,
  '',
  '## Scale-out: replicas, sealed sessions and the Redis rate limiter',
  '',
  `- machine: ${startInfo.nproc} CPUs (${startInfo.cpu}), ${startInfo.memoryGiB.toFixed(1)} GiB memory; Node ${process.version}; mcpkit at ${startInfo.git}; load average (1 min) at start ${startInfo.loadavg[0].toFixed(2)}, at end ${endInfo.loadavg[0].toFixed(2)}; ${((Date.now() - started) / 1000).toFixed(0)} s`,
  `- rounds ${rounds}; medians over rounds. Everything (driver, proxy, gateways, their echo upstreams, Redis) shares the machine's cores,`,
  '  so a second replica adds no CPU: the throughput row shows what the extra hop and coordination cost, not how a',
  '  cluster of machines scales.',
  '',
  '### Rate limiter store, one cell per call (in process)',
  '',
  '| store | p50 per call (ms) | p99 (ms) | CPU per call in the caller (µs) | calls/s with 16 in flight |',
  '| --- | ---: | ---: | ---: | ---: |',
  `| memory (one replica) | ${f(m('limiter.memory.p50'), 4)} | ${f(m('limiter.memory.p99'), 4)} | ${f(m('limiter.memory.cpuUs'), 1)} | ${f(m('limiter.memory.c16cps'))} |`,
  `| Redis (every replica), one Lua script | ${f(m('limiter.redis.p50'))} | ${f(m('limiter.redis.p99'))} | ${f(m('limiter.redis.cpuUs'), 1)} | ${f(m('limiter.redis.c16cps'))} |`,
  '',
  '### One replica or two behind the same round-robin proxy (gateway with sealed sessions, stdio echo upstream)',
  '',
  '| era | one replica (calls/s, c=16) | two replicas (calls/s, c=16) | two / one |',
  '| --- | ---: | ---: | ---: |',
  ...['session', 'stateless'].map((era) => `| ${era === 'session' ? 'session era (2025-11-25)' : '2026-07-28'} | ${f(m(`replicas.one.${era}.c16.cps`))} | ${f(m(`replicas.two.${era}.c16.cps`))} | ${ratio(m(`replicas.two.${era}.c16.cps`), m(`replicas.one.${era}.c16.cps`))} |`),
  '',
  '### The cross-replica hop (session era)',
  '',
  '| measurement | p50 (ms) |',
  '| --- | ---: |',
  `| c=1 through the proxy, every request to the replica that opened the session | ${f(m('replicas.one.session.c1.p50'))} |`,
  `| c=1 through the proxy, requests alternating between two replicas | ${f(m('replicas.two.session.c1.p50'))} |`,
  `| added by alternating | ${f(m('replicas.two.session.c1.p50') - m('replicas.one.session.c1.p50'))} |`,
  `| first request of a session on a replica that has not seen it (open the sealed id, restore) | ${f(m('restore.first.p50'))} |`,
  `| a later request there | ${f(m('restore.later.p50'))} |`,
  '',
  'Method: `bench/scale/scale.mjs`. The limiter rows charge one GCRA cell (limit never reached) 5,000 times in a row',
  'and then 20,000 times with 16 in flight, through the store objects the gateway uses. The replica rows run',
  '`mcpkit gateway` twice with `sessions.secret` and `storage.redis` (API key, scope, audit as in the gateway',
  'section) and two instances of a small round-robin proxy (bench/scale/rr-proxy.mjs, node:http), one in front of',
  'the first gateway and one in front of both, so the two rows pay for the same proxy. The restore rows initialize',
  'on one gateway and send two pings to the other, directly, 200 sessions per round.',
  failures.length ? `\nFailures: ${failures.join('; ')}` : '',
  '',
  END,
].join('\n');
console.log(section);
if (write) {
  const file = join(ROOT, 'BENCHMARKS.md');
  const doc = readFileSync(file, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  writeFileSync(file, start >= 0 && end > start ? doc.slice(0, start) + section + doc.slice(end + END.length) : `${doc.trimEnd()}\n\n${section}\n`);
  console.error('bench:scale: BENCHMARKS.md updated');
}
