/**
 * Idle-session memory driver, a process apart from the server. Opens `count` session-era sessions
 * (initialize + notifications/initialized, `concurrency` at a time), then leaves them idle, reading the
 * server's VmRSS from /proc/<pid>/status: before, with every session open, and after `ttlWaitMs` of idleness.
 * The oldest session is probed when the sessions are measured (it must still be open) and after the wait
 * (a 404 means the server reclaimed it, and so every younger session too). `ttlWaitMs: 0` skips the wait.
 * With `warmSessions: W` the first W of the `count` sessions are opened, and RSS read, before the rest: the
 * growth from there to the reading with all open, divided by the sessions opened after it, is the RSS per idle
 * session without the one-time cost of the server's first sessions (code compiled on first use, pools, caches).
 * Usage: `node bench/drivers/sessions.mjs '<json config>'`; config: { url, pid, count, concurrency, warmSessions,
 *         settleMs, ttlWaitMs, openLimitMs, timeLimitMs, headers? }. `headers` go on every request (a gateway's
 *         API key). Prints one JSON result line on stdout.
 * @module
 */
import { readFileSync } from 'node:fs';
import { createPool, openSession, post } from '../lib/http-client.mjs';
import { requestTemplate, workloadCall } from '../lib/wire.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const timeLimitMs = config.timeLimitMs ?? 180_000;
setTimeout(() => finish({ ok: false, error: `driver time limit (${timeLimitMs} ms) reached` }), timeLimitMs).unref();
const pool = createPool(config.url, config.concurrency ?? 16);
const path = new URL(config.url).pathname;
let errors = 0;
const errorSamples = [];

function finish(result) {
  void pool.destroy();
  process.stdout.write(JSON.stringify({ ...result, errors, errorSamples }) + '\n');
  process.exit(result.ok === false ? 1 : 0);
}

/** Resident set size of `pid` in MiB. */
function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb[1]) / 1024;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Opens sessions into `sessions`, `concurrency` at a time, until it holds `upTo` or the deadline passes. */
async function openUpTo(sessions, upTo, deadline) {
  let next = sessions.length;
  await Promise.all(
    Array.from({ length: config.concurrency ?? 16 }, async () => {
      while (next < upTo && performance.now() < deadline) {
        next++;
        try {
          sessions.push(await openSession(pool, path, config.headers ?? {}));
        } catch (error) {
          errors++;
          if (errorSamples.length < 5) errorSamples.push(String(error.message).slice(0, 300));
          if (errors > 100) return; // the server refuses: more attempts only measure the refusal
        }
      }
    }),
  );
}

async function main() {
  const count = config.count ?? 10_000;
  const warm = Math.min(count, Math.max(0, config.warmSessions ?? 0));
  const settleMs = config.settleMs ?? 1000;
  const baselineMiB = rssMiB(config.pid);
  const sessions = [];
  const openDeadline = performance.now() + (config.openLimitMs ?? 90_000);
  const t0 = performance.now();
  let warmRssMiB;
  let warmOpened;
  let pausedMs = 0; // the settle after the warm-up is not opening time
  if (warm > 0) {
    await openUpTo(sessions, warm, openDeadline);
    const p0 = performance.now();
    await sleep(settleMs);
    warmRssMiB = rssMiB(config.pid);
    warmOpened = sessions.length;
    pausedMs = performance.now() - p0;
  }
  await openUpTo(sessions, count, openDeadline);
  const openMs = performance.now() - t0 - pausedMs;
  await sleep(settleMs);
  // The oldest session still answering means every session is open at this reading (the rest are younger).
  const aliveStatus = sessions.length > 0 ? await probe(sessions[0]) : undefined;
  const openRssMiB = rssMiB(config.pid);
  const later = warmOpened === undefined ? 0 : sessions.length - warmOpened;
  const result = {
    ok: true,
    opened: sessions.length,
    openMs,
    baselineMiB,
    openRssMiB,
    perSessionKiB: sessions.length > 0 ? ((openRssMiB - baselineMiB) * 1024) / sessions.length : undefined,
    warmOpened,
    warmRssMiB,
    perIdleSessionKiB: later > 0 ? ((openRssMiB - warmRssMiB) * 1024) / later : undefined,
    allOpenAtReading: aliveStatus === 200,
  };
  if (!(config.ttlWaitMs > 0)) return result;
  await sleep(config.ttlWaitMs);
  // Every session was idle at least as long as the oldest one: its 404 means the server reclaimed them all.
  const probeStatus = sessions.length > 0 ? await probe(sessions[0]) : undefined;
  return { ...result, afterTtlRssMiB: rssMiB(config.pid), probeStatus, reclaimed: probeStatus === 404 };
}

const echo = workloadCall('echo');
const echoLine = requestTemplate(echo.method, echo.params).line(1);

async function probe(headers) {
  return (await post(pool, path, headers, echoLine, 1)).status;
}

main().then(finish, (error) => finish({ ok: false, error: error?.message ?? String(error) }));
