/**
 * stdio load driver, a process apart from the server it spawns. Speaks raw JSON-RPC.
 * Usage: `node bench/drivers/stdio.mjs '<json config>'`; prints one JSON result line on stdout.
 * Config: { command, args, mode: 'seq' | 'pipe' | 'cold', workload: 'echo' | 'big' | 'list', n, durationMs,
 *           warmupN, warmupMs, window, latency, repeats, expectTools, dropEnv, timeLimitMs }.
 *   seq:  sequential calls, at most n and durationMs → p50/p99/max latency.
 *   pipe: `window` calls in flight for durationMs (at most n) → calls/s, and server/driver CPU µs per call;
 *         with `latency: true` also p50/p99/max of each call, queued → answered (off by default: the guard
 *         wants the driver as light as it can be).
 *   cold: spawn → initialize → first operation answered (a tools/call, or every page of tools/list), `repeats`
 *         times, each a new process → milliseconds each, their median, and the first.
 * `dropEnv` names environment variables the server is started without (the bench never hands a server a token).
 * @module
 */
import { StdioPeer } from '../lib/stdio-peer.mjs';
import { cpuMeter } from '../lib/proc-stat.mjs';
import { latencySummary, median } from '../lib/stats.mjs';
import { requestTemplate, workloadCall } from '../lib/wire.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const limit = setTimeout(() => finish({ ok: false, error: `driver time limit (${config.timeLimitMs ?? 120_000} ms) reached` }), config.timeLimitMs ?? 120_000);
limit.unref();
const errorSamples = [];
let errors = 0;

function finish(result) {
  process.stdout.write(JSON.stringify({ ...result, errors: result.errors ?? errors, errorSamples }) + '\n');
  process.exit(result.ok === false ? 1 : 0);
}

function noteError(what) {
  errors++;
  if (errorSamples.length < 5) errorSamples.push(String(what).slice(0, 300));
}

const call = workloadCall(config.workload ?? 'echo');
const serverEnv = { ...process.env };
for (const name of config.dropEnv ?? []) delete serverEnv[name];
const template = requestTemplate(call.method, call.params);

/** One logical operation: a call, or for `list` every page until no nextCursor. Returns tools seen. */
async function operation(peer) {
  if (call.method !== 'tools/list') {
    const msg = await peer.request(template);
    if (msg.error || !call.check(msg.result)) noteError(JSON.stringify(msg.error ?? msg.result).slice(0, 300));
    return 0;
  }
  let cursor;
  let seen = 0;
  let pages = 0;
  do {
    const msg = await peer.request(cursor === undefined ? template : requestTemplate('tools/list', { cursor }));
    pages++;
    if (msg.error || !call.check(msg.result)) {
      noteError(JSON.stringify(msg.error ?? msg.result).slice(0, 300));
      break;
    }
    seen += msg.result.tools.length;
    cursor = msg.result.nextCursor;
  } while (cursor !== undefined && pages < 10_000);
  if (config.expectTools !== undefined && seen !== config.expectTools) noteError(`tools/list gave ${seen} tools, expected ${config.expectTools}`);
  if (config.expectTools === undefined && seen === 0) noteError('tools/list gave no tools');
  return { seen, pages };
}

async function sequential() {
  const peer = new StdioPeer(config.command, config.args);
  try {
    await peer.initialize();
    const warmEnd = performance.now() + (config.warmupMs ?? 500);
    for (let i = 0; i < (config.warmupN ?? 200) && performance.now() < warmEnd; i++) await operation(peer);
    errors = 0;
    errorSamples.length = 0;
    const samples = [];
    let listing;
    const end = performance.now() + (config.durationMs ?? 2000);
    for (let i = 0; i < (config.n ?? 2000) && performance.now() < end; i++) {
      const t0 = performance.now();
      const r = await operation(peer);
      samples.push(performance.now() - t0);
      if (r) listing = r;
    }
    return { ok: true, ...latencySummary(samples), ...(listing ? { tools: listing.seen, pages: listing.pages } : {}) };
  } finally {
    await peer.close();
  }
}

/** Slots for the send times of calls in flight, indexed by id; far more than any window, checked on use. */
const LATENCY_SLOTS = 1 << 16;

/**
 * Keeps `windowSize` calls in flight. With `latencies` (an array) it records each call's time from being queued
 * to its answer being parsed. That costs no extra clock read: a call is queued from the reply handler that
 * just read the clock (its write goes out with the others queued while that chunk of answers is handled).
 */
function pipelinedRun(peer, windowSize, durationMs, maxCalls, latencies) {
  return new Promise((resolve) => {
    const start = performance.now();
    const deadline = start + durationMs;
    const sentAt = latencies && new Float64Array(LATENCY_SLOTS);
    const sentId = latencies && new Int32Array(LATENCY_SLOTS);
    let sent = 0;
    let done = 0;
    let inflight = 0;
    let failed = false;
    const onReply = (msg, err) => {
      const now = performance.now();
      inflight--;
      if (err) {
        if (!failed) noteError(err.message);
        failed = true;
      } else {
        done++;
        if (msg.error || !call.check(msg.result)) noteError(JSON.stringify(msg.error ?? msg.result));
        if (sentAt !== undefined) {
          const slot = msg.id & (LATENCY_SLOTS - 1);
          // A slot reused before its call was answered would give a wrong time: say so rather than record it.
          if (sentId[slot] === msg.id) latencies.push(now - sentAt[slot]);
          else noteError(`call ${msg.id} outlived ${LATENCY_SLOTS} later calls; its latency is not recorded`);
        }
      }
      if (!failed && sent < maxCalls && now < deadline) issue(now);
      else if (inflight === 0) resolve({ done, elapsedMs: now - start });
    };
    const issue = (now) => {
      sent++;
      inflight++;
      const id = peer.expect(onReply);
      if (sentAt !== undefined) {
        sentAt[id & (LATENCY_SLOTS - 1)] = now;
        sentId[id & (LATENCY_SLOTS - 1)] = id;
      }
      peer.write(template.line(id));
    };
    for (let i = 0; i < windowSize && i < maxCalls; i++) issue(performance.now());
  });
}

async function pipelined() {
  const peer = new StdioPeer(config.command, config.args);
  try {
    await peer.initialize();
    const windowSize = config.window ?? 64;
    await pipelinedRun(peer, windowSize, config.warmupMs ?? 500, config.warmupN ?? 20_000);
    errors = 0;
    errorSamples.length = 0;
    const latencies = config.latency ? [] : undefined;
    const meter = cpuMeter(peer.child.pid);
    const { done, elapsedMs } = await pipelinedRun(peer, windowSize, config.durationMs ?? 2000, config.n ?? 2_000_000, latencies);
    const cpu = meter.stop(done);
    const latency = latencies ? latencySummary(latencies) : {};
    return { ok: true, calls: done, elapsedMs, callsPerSec: (done / elapsedMs) * 1000, window: windowSize, ...cpu, ...latency };
  } finally {
    await peer.close();
  }
}

async function cold() {
  const samples = [];
  const initSamples = [];
  for (let i = 0; i < (config.repeats ?? 3); i++) {
    const t0 = performance.now();
    const peer = new StdioPeer(config.command, config.args, { env: serverEnv });
    try {
      await peer.initialize();
      initSamples.push(performance.now() - t0);
      await operation(peer);
      samples.push(performance.now() - t0);
    } finally {
      await peer.close();
    }
  }
  return { ok: true, samples, ms: median(samples), first: samples[0], initMs: median(initSamples) };
}

const modes = { seq: sequential, pipe: pipelined, cold };
const run = modes[config.mode];
if (!run) finish({ ok: false, error: `unknown mode ${config.mode}` });
run().then(finish, (error) => finish({ ok: false, error: error?.message ?? String(error) }));
