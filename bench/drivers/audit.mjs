/**
 * Audit append-rate driver: the gateway's real `openAuditLog` on a fresh SQLite file, fed records shaped as the
 * gateway's policy middleware makes them (arguments hashed with `reduceArguments`), `chunk` per event-loop turn
 * as a busy gateway would hand them in, until `records` are appended; then `flush()`. The rate is records over
 * the time from the first append to the flush. It also reports the longest event-loop stall while writing and
 * checks the hash chain afterwards (`verify`, not timed).
 * Usage: `node bench/drivers/audit.mjs '<json config>'`; config: { path, records, chunk, timeLimitMs }.
 * Prints one JSON result line on stdout.
 * @module
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { openAuditLog, reduceArguments } from '@mcpkit/gateway';

const config = JSON.parse(process.argv[2] ?? '{}');
const timeLimitMs = config.timeLimitMs ?? 120_000;
setTimeout(() => finish({ ok: false, error: `driver time limit (${timeLimitMs} ms) reached` }), timeLimitMs).unref();

function finish(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
  process.exit(result.ok === false ? 1 : 0);
}

const ARGS = { text: 'hello' };

/** One record as the policy middleware builds it for a `tools/call` that went well. */
function record(i) {
  return {
    principal: 'key:bench',
    keyId: 'bench',
    method: 'tools/call',
    upstream: 'echo',
    target: 'echo__echo',
    arguments: reduceArguments(ARGS, 'hash'),
    outcome: 'ok',
    errorCode: null,
    durationMs: 0.123,
    bytesIn: 62,
    bytesOut: 48,
    requestId: i,
    sessionId: null,
    route: '/mcp',
    reason: null,
  };
}

async function main() {
  const records = config.records ?? 100_000;
  const chunk = config.chunk ?? 1000;
  let failures = 0;
  const log = await openAuditLog({ sqlite: config.path }, { onError: () => failures++ });
  await log.append(record(0)); // schema, prepared statements, first sync: not part of the rate
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 1; i <= records; ) {
    const end = Math.min(records, i + chunk - 1);
    for (; i <= end; i++) void log.append(record(i));
    await nextTurn();
  }
  await log.flush();
  const elapsedMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  lag.disable();
  const verdict = await log.verify();
  await log.close();
  if (failures > 0) return { ok: false, error: `${failures} appends failed` };
  if (!verdict.ok || verdict.count !== records + 1) return { ok: false, error: `verify: ${JSON.stringify(verdict).slice(0, 300)}` };
  return {
    ok: true,
    records,
    elapsedMs,
    recordsPerSec: (records / elapsedMs) * 1000,
    cpuUsPerRecord: ((cpu.user + cpu.system) / records),
    maxStallMs: lag.max / 1e6,
  };
}

main().then(finish, (error) => finish({ ok: false, error: error?.message ?? String(error) }));
