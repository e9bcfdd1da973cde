/**
 * Streamable HTTP load driver, a process apart from the server. Speaks raw JSON-RPC over an undici Pool.
 * Usage: `node bench/drivers/http.mjs '<json config>'`; prints one JSON result line on stdout.
 * Config: { url, pid?, pids?, era: 'session' | 'stateless', concurrency, workload: 'echo' | 'big', tool?, headers?,
 *           durationMs, n, warmupMs, timeLimitMs }. With the server's pid it also reports server CPU µs per call;
 *           `pids` ({ name: pid }) adds `cpuUsPerCall.<name>` for more processes (a gateway's upstreams).
 *           `tool` renames the echo tool (a gateway's `echo__echo`); `headers` go on every request (an API key).
 *   session:   each worker opens its own session (initialize + notifications/initialized), then calls with
 *              Mcp-Session-Id and MCP-Protocol-Version.
 *   stateless: 2026-07-28, every call carries the `_meta` envelope and MCP-Protocol-Version, Mcp-Method and
 *              Mcp-Name headers.
 * Workers call back to back; the result is calls/s over the measured window, p50/p99 latency and errors.
 * @module
 */
import { POST_HEADERS, createPool, openSession, post } from '../lib/http-client.mjs';
import { cpuMeter } from '../lib/proc-stat.mjs';
import { latencySummary } from '../lib/stats.mjs';
import { STATELESS_VERSION, requestTemplate, statelessParams, workloadCall } from '../lib/wire.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const timeLimitMs = config.timeLimitMs ?? 120_000;
setTimeout(() => finish({ ok: false, error: `driver time limit (${timeLimitMs} ms) reached` }), timeLimitMs).unref();
const concurrency = config.concurrency ?? 1;
const pool = createPool(config.url, concurrency);
const path = new URL(config.url).pathname;
const call = workloadCall(config.workload ?? 'echo', config.tool);
const extraHeaders = config.headers ?? {};
let errors = 0;
const errorSamples = [];

function finish(result) {
  void pool.destroy();
  process.stdout.write(JSON.stringify({ ...result, errors, errorSamples }) + '\n');
  process.exit(result.ok === false ? 1 : 0);
}

function noteError(what) {
  errors++;
  if (errorSamples.length < 5) errorSamples.push(String(what).slice(0, 300));
}

/** A worker's fixed request headers and template: its own session in the session era. */
async function setup() {
  if (config.era === 'session') {
    return { headers: await openSession(pool, path, extraHeaders), template: requestTemplate(call.method, call.params), nextId: 1 };
  }
  const headers = { ...POST_HEADERS, ...extraHeaders, 'mcp-protocol-version': STATELESS_VERSION, 'mcp-method': call.method };
  if (call.name !== undefined) headers['mcp-name'] = call.name;
  return { headers, template: requestTemplate(call.method, statelessParams(call.params)), nextId: 1 };
}

async function worker(w, phase) {
  const { headers, template } = w;
  while (phase.running()) {
    const id = w.nextId++;
    const t0 = performance.now();
    try {
      const reply = await post(pool, path, headers, template.line(id), id);
      const ms = performance.now() - t0;
      if (reply.status !== 200 || !reply.message) noteError(`HTTP ${reply.status}: ${reply.text.slice(0, 200)}`);
      else if (reply.message.error || !call.check(reply.message.result)) noteError(JSON.stringify(reply.message.error ?? reply.message.result));
      else phase.record(ms);
    } catch (error) {
      noteError(error.message);
      await new Promise((r) => setTimeout(r, 10)); // a refused socket fails fast: do not spin
    }
  }
}

/**
 * A phase ends after `durationMs` or `maxCalls`, but not before `minCalls` calls have started: on a busy machine
 * the driver can be descheduled past a short deadline before its workers start, and a measurement of no call
 * says nothing.
 */
function phaseFor(durationMs, maxCalls, samples, minCalls = 0) {
  const deadline = performance.now() + durationMs;
  let started = 0;
  return {
    running: () => {
      const n = started++;
      return n < maxCalls && (n < minCalls || performance.now() < deadline);
    },
    record: (ms) => samples?.push(ms),
  };
}

async function main() {
  // Sessions open before the clock starts and serve both phases, as a long-lived client's would.
  const workers = await Promise.all(Array.from({ length: concurrency }, () => setup()));
  const warm = phaseFor(config.warmupMs ?? 500, config.warmupN ?? 1_000_000, undefined);
  await Promise.all(workers.map((w) => worker(w, warm)));
  errors = 0;
  errorSamples.length = 0;
  const samples = [];
  const measure = phaseFor(config.durationMs ?? 2000, config.n ?? 10_000_000, samples, concurrency);
  const meter = cpuMeter(config.pid);
  const others = Object.entries(config.pids ?? {}).map(([name, pid]) => [name, cpuMeter(pid)]);
  const t0 = performance.now();
  await Promise.all(workers.map((w) => worker(w, measure)));
  const elapsedMs = performance.now() - t0;
  const cpu = meter.stop(samples.length);
  const cpuUsPerCall = Object.fromEntries(others.map(([name, m]) => [name, m.stop(samples.length).serverCpuUsPerCall]));
  return { ok: true, calls: samples.length, elapsedMs, callsPerSec: (samples.length / elapsedMs) * 1000, ...latencySummary(samples), ...cpu, cpuUsPerCall };
}

main().then(finish, (error) => finish({ ok: false, error: error?.message ?? String(error) }));
