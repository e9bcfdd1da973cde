/**
 * Benchmark harness entry: `npm run bench` (full run, rewrites BENCHMARKS.md) or `npm run bench -- --smoke`
 * (seconds, mcpkit only unless --contenders names more, tiny counts: checks every driver works and prints its
 * numbers; never a timed assertion). Options: `--suite sdk|gateway|all` (default all: mcpkit against the official SDKs, the gateway
 * against direct calls, or both; a single suite rewrites only its own part of BENCHMARKS.md), `--rounds N`,
 * `--contenders mcpkit,floor` (a subset prints but does not write BENCHMARKS.md), `--no-write`, `--out PATH`
 * (write the report there instead, in any mode).
 * @module
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONTENDERS, ROOT } from './lib/contenders.mjs';
import { renderDocument } from './lib/document.mjs';
import { FULL, JOBS, SMOKE } from './lib/jobs.mjs';
import { machineInfo } from './lib/machine.mjs';
import { REFERENCE_SERVERS } from './lib/reference-servers.mjs';
import { ALL_ROWS, aggregate, formatValue } from './lib/report.mjs';
import { derive, extractGatewaySection, gatewayLines, renderGatewaySection, withGatewaySection } from './gateway/report.mjs';
import { GATEWAY_FULL, GATEWAY_SMOKE, runGatewaySuite } from './gateway/suite.mjs';

const argv = process.argv.slice(2);
const option = (name) => {
  const i = argv.indexOf(name);
  return i < 0 ? undefined : argv[i + 1];
};
const smoke = argv.includes('--smoke');
const suite = option('--suite') ?? 'all';
if (!['sdk', 'gateway', 'all'].includes(suite)) {
  console.error(`bench: --suite must be sdk, gateway or all, got ${suite}`);
  process.exit(2);
}
const runSdk = suite !== 'gateway';
const runGateway = suite !== 'sdk';
const params = structuredClone(smoke ? SMOKE : FULL);
const gatewayParams = structuredClone(smoke ? GATEWAY_SMOKE : GATEWAY_FULL);
if (option('--rounds') !== undefined) params.rounds = gatewayParams.rounds = Math.max(1, Number(option('--rounds')));
const only = option('--contenders')?.split(',');
// Smoke: mcpkit alone, unless --contenders names more (the regression guard runs mcpkit and the floor).
const contenders = CONTENDERS.filter((c) => (only ? only.includes(c.id) : !smoke || c.id === 'mcpkit'));
const complete = !runSdk || contenders.length === CONTENDERS.length;
const outPath = option('--out') ?? (!smoke && !argv.includes('--no-write') && complete ? join(ROOT, 'BENCHMARKS.md') : undefined);

const fixture = join(ROOT, 'test', 'dist', 'fixtures', 'bench-echo-server.js');
const built = [
  ...['server/dist/index.js', 'gateway/dist/index.js', 'cli/dist/bin.js'].map((file) => join(ROOT, 'packages', file)),
  ...REFERENCE_SERVERS.map((s) => s.dist),
].every((file) => existsSync(file));
if (!existsSync(fixture) || !built) {
  console.error('bench: mcpkit is not built; run `npm run build` (or `npx tsc -b`) first');
  process.exit(2);
}

/** results[metric][contender] = one value per round */
const results = {};
const failures = [];
const started = Date.now();
const startInfo = machineInfo();
const log = (s) => console.error(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}`);

if (runSdk) log(`${smoke ? 'smoke' : 'full'} run: ${contenders.map((c) => c.label).join(', ')}; ${params.rounds} round(s)`);
for (let round = 0; runSdk && round < Math.max(params.rounds, params.memory.rounds); round++) {
  // Interleave: every job runs each contender in turn (A B C D), and the starting contender rotates per round.
  const order = contenders.map((_, i) => contenders[(i + round) % contenders.length]);
  for (const job of JOBS) {
    if (round >= (job.memory ? params.memory.rounds : params.rounds)) continue;
    for (const c of order) {
      if (job.only !== undefined && job.only !== c.id) continue;
      const t0 = Date.now();
      try {
        // Smoke runs the mcpkit fixture through scripts/bench-echo-server, to check that contract too.
        const metrics = await job.run(c, params, { script: smoke });
        for (const [key, value] of Object.entries(metrics)) ((results[key] ??= {})[c.id] ??= []).push(value);
        log(`round ${round + 1} ${job.id} ${c.label}: ${summary(metrics)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      } catch (error) {
        failures.push({ round: round + 1, job: job.id, contender: c.id, error: error.message, keys: keysOf(job) });
        log(`round ${round + 1} ${job.id} ${c.label}: FAILED ${error.message}`);
      }
    }
  }
}

function summary(metrics) {
  return Object.entries(metrics)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
    .join(' ');
}

function keysOf(job) {
  return ALL_ROWS.map((r) => r.key).filter((k) => k.startsWith(job.id.split('-').join('.')) || k.startsWith(job.id));
}

// One line per metric and contender: `<metric> <contender>: <value> <unit>`.
if (runSdk) {
  console.log(`\n${smoke ? 'smoke' : 'bench'} results (median of ${params.rounds} round(s)):`);
  for (const row of ALL_ROWS) {
    for (const c of contenders) {
      const shown = formatValue(aggregate(row, results[row.key]?.[c.id]), row);
      if (shown !== undefined) console.log(`${row.key} ${c.id}: ${shown.replace(/,/g, '')} ${row.unit}`.trimEnd());
    }
  }
}
const sdkSeconds = (Date.now() - started) / 1000;

// The gateway suite: its own rounds, after the SDK suite so neither measures while the other loads the machine.
let gateway;
if (runGateway) {
  log(`gateway ${smoke ? 'smoke' : 'full'} run: direct vs through the gateway; ${gatewayParams.rounds} round(s)`);
  gateway = await runGatewaySuite({ params: gatewayParams, log });
  derive(gateway.results);
  console.log(`\ngateway results (median of ${gatewayParams.rounds} round(s)):`);
  for (const line of gatewayLines(gateway.results)) console.log(line);
  for (const f of gateway.failures) failures.push({ ...f, contender: 'gateway' });
}

if (outPath !== undefined) {
  const existing = existsSync(outPath) ? readFileSync(outPath, 'utf8') : '';
  let doc = runSdk
    ? renderDocument({ results, failures: failures.filter((f) => f.contender !== 'gateway'), contenders, params, startInfo, endInfo: machineInfo(), seconds: sdkSeconds })
    : existing || '# Benchmarks\n';
  // A single suite keeps the other suite's part of the file as it was.
  const section = gateway ? renderGatewaySection(gateway) : extractGatewaySection(existing);
  if (section !== undefined) doc = withGatewaySection(doc, section);
  // The trust suite (bench/trust/scan.mjs) and the scale suite (bench/scale/scale.mjs) write their own
  // sections: keep them as they were, in that order.
  for (const name of ['trust', 'scale']) {
    const begin = existing.indexOf(`<!-- ${name}-bench:begin`);
    const endMarker = `<!-- ${name}-bench:end -->`;
    const end = existing.indexOf(endMarker);
    if (begin >= 0 && end > begin && !doc.includes(`<!-- ${name}-bench:begin`)) {
      doc = `${doc.trimEnd()}\n\n${existing.slice(begin, end + endMarker.length)}\n`;
    }
  }
  writeFileSync(outPath, doc);
  log(`wrote ${outPath}`);
}
if (failures.length > 0) {
  console.error(`\n${failures.length} measurement(s) failed:`);
  for (const f of failures) console.error(`  round ${f.round} ${f.job} ${f.contender}: ${f.error}`);
  process.exit(1);
}
console.log(smoke ? 'smoke ok' : 'bench ok');
