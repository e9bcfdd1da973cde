/**
 * The gateway section of BENCHMARKS.md: the per-round comparisons (added latency, throughput ratio) worked out
 * round by round and then the median taken, the tables, the targets, the method and the raw samples.
 * The section sits between two markers so either suite can rewrite its part of the file and keep the other.
 * @module
 */
import { median } from '../lib/stats.mjs';

export const BEGIN = '<!-- gateway-bench:begin (bench/run.mjs --suite gateway rewrites this section) -->';
export const END = '<!-- gateway-bench:end -->';

const ERAS = ['stateless', 'session'];
const ERA_NAME = { stateless: '2026-07-28', session: 'session era (2025-11-25)' };
const UPSTREAMS = ['stdio', 'http'];
/**
 * Rows shown: the two upstreams, the tmpfs diagnosis (stdio upstream, audit database where fsync is free), and
 * the floor (a bare Node relay, 2026-07-28 only: what any gateway in Node can reach on this machine).
 */
const PATHS = [...UPSTREAMS, 'tmpfs', 'floorstdio', 'floorhttp'];
const UPSTREAM_NAME = {
  stdio: 'stdio upstream',
  http: 'HTTP upstream',
  tmpfs: 'stdio upstream, audit DB on tmpfs (diagnosis)',
  floorstdio: 'floor: a bare Node relay, stdio upstream',
  floorhttp: 'floor: a bare Node relay, HTTP upstream',
};

/**
 * The direct baseline a gateway path is compared with: the echo server over stdio (measured inside the same
 * era's block), or over HTTP in the same era.
 */
const directKey = (upstream, era, c) => (upstream !== 'http' && upstream !== 'floorhttp' && c === 1 ? `direct.stdio.${era}.c1` : `direct.http.${era}.c${c}`);

/** Adds the per-round comparisons: `added.<upstream>.<era>.p50` (ms) and `ratio.<upstream>.<era>.c16`. */
export function derive(results) {
  const perRound = (a, b, f) => {
    const out = [];
    for (let i = 0; i < Math.max(a?.length ?? 0, b?.length ?? 0); i++) out[i] = typeof a?.[i] === 'number' && typeof b?.[i] === 'number' ? f(a[i], b[i]) : undefined;
    return out;
  };
  for (const u of PATHS) {
    for (const era of ERAS) {
      for (const q of ['p50', 'p99']) {
        results[`added.${u}.${era}.${q}`] = perRound(results[`gw.${u}.${era}.c1.${q}`], results[`${directKey(u, era, 1)}.${q}`], (g, d) => g - d);
      }
      results[`ratio.${u}.${era}.c16`] = perRound(results[`gw.${u}.${era}.c16.cps`], results[`${directKey(u, era, 16)}.cps`], (g, d) => (d > 0 ? g / d : undefined));
    }
  }
  return results;
}

const med = (results, key) => median(results[key] ?? []);
const sum = (results, key) => (results[key] ?? []).reduce((a, b) => a + (typeof b === 'number' ? b : 0), 0);

function ms(v) {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toFixed(3);
}
const int = (v) => (typeof v === 'number' && Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '—');
const us = (v) => (typeof v === 'number' && Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')) : '—');
const mib = (v) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(1) : '—');
const times = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${v.toFixed(2)}×` : '—');
const signed = (v) => (typeof v === 'number' && Number.isFinite(v) ? `${v >= 0 ? '+' : ''}${ms(v)}` : '—');

/** `key: value` lines for the console (and the smoke test): the median of every numeric metric. */
export function gatewayLines(results) {
  return Object.keys(results)
    .sort()
    .map((key) => {
      const values = results[key].filter((v) => v !== undefined);
      if (values.length === 0) return undefined;
      if (typeof values[0] === 'number') return `${key}: ${+median(values).toPrecision(4)}`;
      return `${key}: ${[...new Set(values.map(String))].join(' / ')}`;
    })
    .filter(Boolean);
}

function table(head, rows) {
  return [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function sequentialTable(r) {
  const rows = [];
  for (const u of PATHS) {
    if (u === 'tmpfs' && r['gw.tmpfs.stateless.c1.p50'] === undefined) continue;
    for (const era of ERAS) {
      if (r[`gw.${u}.${era}.c1.p50`] === undefined) continue;
      const d = directKey(u, era, 1);
      const g = `gw.${u}.${era}.c1`;
      rows.push([
        `${UPSTREAM_NAME[u]}, client speaks ${ERA_NAME[era]}`,
        u !== 'http' && u !== 'floorhttp' ? 'stdio' : `HTTP, ${era === 'stateless' ? '2026-07-28' : 'session era'}`,
        ms(med(r, `${d}.p50`)),
        ms(med(r, `${g}.p50`)),
        signed(med(r, `added.${u}.${era}.p50`)),
        ms(med(r, `${d}.p99`)),
        ms(med(r, `${g}.p99`)),
        us(med(r, `${g}.serverUs`)),
        us(med(r, `${g}.upstreamUs`)),
      ]);
    }
  }
  return table(
    ['path', 'direct call over', 'direct p50 (ms)', 'gateway p50 (ms)', 'added p50 (ms, lower is better)', 'direct p99 (ms)', 'gateway p99 (ms)', 'gateway CPU per call (µs)', 'upstream CPU per call (µs)'],
    rows,
  );
}

function throughputTable(r) {
  const rows = [];
  for (const u of PATHS) {
    if (u === 'tmpfs' && r['gw.tmpfs.stateless.c16.cps'] === undefined) continue;
    for (const era of ERAS) {
      if (r[`gw.${u}.${era}.c16.cps`] === undefined) continue;
      const d = directKey(u, era, 16);
      const g = `gw.${u}.${era}.c16`;
      rows.push([
        `${UPSTREAM_NAME[u]}, ${ERA_NAME[era]}`,
        int(med(r, `${d}.cps`)),
        int(med(r, `${g}.cps`)),
        times(med(r, `ratio.${u}.${era}.c16`)),
        ms(med(r, `${g}.p50`)),
        ms(med(r, `${g}.p99`)),
        us(med(r, `${d}.serverUs`)),
        us(med(r, `${g}.serverUs`)),
        us(med(r, `${g}.upstreamUs`)),
        String(sum(r, `${g}.errors`)),
      ]);
    }
  }
  return table(
    [
      'path',
      'direct HTTP (calls/s)',
      'gateway (calls/s)',
      'gateway / direct (higher is better)',
      'gateway p50 (ms)',
      'gateway p99 (ms)',
      'direct: server CPU per call (µs)',
      'gateway CPU per call (µs)',
      'upstream CPU per call (µs)',
      'gateway errors (all rounds)',
    ],
    rows,
  );
}

function auditTable(r) {
  return table(
    ['workload', 'value'],
    [
      ['append rate into SQLite (records/s, higher is better)', int(med(r, 'audit.rate'))],
      ['CPU per record, writer process (µs)', us(med(r, 'audit.cpuUs'))],
      ['longest event-loop stall while writing (ms)', ms(med(r, 'audit.maxStallMs'))],
      ['records per round', int(med(r, 'audit.records'))],
    ],
  );
}

function memoryTable(r) {
  return table(
    ['workload', 'value'],
    [
      [`gateway RSS with ${int(med(r, 'memory.upstreams'))} upstreams connected, no session (MiB)`, mib(med(r, 'memory.baseline'))],
      [`gateway RSS with ${int(med(r, 'memory.opened'))} idle session-era sessions open (MiB, lower is better)`, mib(med(r, 'memory.open'))],
      ['growth per session (KiB, lower is better)', us(med(r, 'memory.perSession'))],
      ['the upstream processes together (MiB)', mib(med(r, 'memory.upstreamRss'))],
      ['time to open the sessions (s)', typeof med(r, 'memory.openSeconds') === 'number' ? med(r, 'memory.openSeconds').toFixed(1) : '—'],
      ['every session still open at the reading', (r['memory.allOpen'] ?? []).every((v) => v === true) ? 'yes' : 'no'],
    ],
  );
}

function targetsTable(r) {
  const check = (v, ok) => (typeof v !== 'number' || !Number.isFinite(v) ? '—' : ok(v) ? 'met' : 'not met');
  const rows = [];
  for (const u of UPSTREAMS) {
    for (const era of ERAS) {
      const v = med(r, `added.${u}.${era}.p50`);
      const f = med(r, `added.floor${u}.${era}.p50`);
      rows.push([`added p50 per call ≤ 0.3 ms, ${UPSTREAM_NAME[u]}, ${ERA_NAME[era]}`, `${signed(v)} ms`, typeof f === 'number' ? `${signed(f)} ms` : '—', check(v, (x) => x <= 0.3)]);
    }
  }
  for (const u of UPSTREAMS) {
    for (const era of ERAS) {
      const v = med(r, `ratio.${u}.${era}.c16`);
      const f = med(r, `ratio.floor${u}.${era}.c16`);
      rows.push([`c=16 throughput ≥ 0.5× direct, ${UPSTREAM_NAME[u]}, ${ERA_NAME[era]}`, times(v), typeof f === 'number' ? times(f) : '—', check(v, (x) => x >= 0.5)]);
    }
  }
  const rate = med(r, 'audit.rate');
  rows.push(['audit ≥ 20,000 records/s into SQLite', `${int(rate)} records/s`, '', check(rate, (x) => x >= 20_000)]);
  const open = med(r, 'memory.open');
  rows.push([`RSS with ${int(med(r, 'memory.opened'))} idle sessions and ${int(med(r, 'memory.upstreams'))} upstreams (reported, no bound set)`, `${mib(open)} MiB`, '', typeof open === 'number' ? 'reported' : '—']);
  return table(['target', 'gateway', 'a bare Node relay (the floor, 2026-07-28)', 'status'], rows);
}

const METHOD = [
  'The gateway runs as `mcpkit gateway --config FILE` (`packages/cli/bin/mcpkit.js`) with everything on that a',
  'production config turns on: an API key made with `mcpkit gateway keys create` (sent as `X-API-Key`; a store key,',
  'so verification goes through the key cache), a scope whose glob (`echo__*`) every call is matched against, two',
  'rate-limit rules checked on every call (per principal, and per tool with a tool glob) set far above any rate',
  'reached here, and the hash-chained audit log on SQLite (WAL, `synchronous = FULL`) with arguments hashed.',
  'Its upstream is the `scripts/bench-echo-server` fixture, over stdio (the gateway spawns it) or over Streamable',
  'HTTP (started beside it). The log level is the default (`info`); nothing is logged per call. The rows marked',
  '*diagnosis* run the stdio-upstream gateway with its audit database on tmpfs (`/dev/shm`), where a commit\'s',
  'fsync returns at once: not a production setting, and not counted against the targets. The audit writer runs',
  'on a worker thread, so a sync no longer blocks the event loop; the difference from the plain stdio-upstream rows',
  'is what the syncs still cost the process (the writer thread\'s CPU and disk waits, and smaller batches).',
  '**The floor** rows run `bench/gateway/floor-relay.mjs` in place of the gateway: a bare node:http server that',
  'renames the tool and passes each 2026-07-28 request to the same upstream (over stdio, or HTTP with a keep-alive',
  'agent) and the answer back, with no MCP server or client, no auth, limits, audit or metrics. It is what any',
  'gateway written in Node can reach on this machine, so the targets can be read against it.',
  '**Direct** is the same echo server called by the same drivers with no gateway: over stdio (the stdio driver,',
  'for the stdio-upstream rows) or over HTTP in the same era as the gateway\'s client (the HTTP driver). **Added',
  'p50** is gateway p50 minus direct p50 in the same round, and **gateway / direct** is the ratio of calls/s in the',
  'same round; the tables show the median over rounds of those per-round figures. Each round starts every process',
  'afresh (the HTTP echo server, which is also the HTTP upstream, and the three gateways) and leaves them running;',
  'then for each era and concurrency it measures direct HTTP, each gateway and, at c=1, direct stdio back to back,',
  'in an order that rotates from block to block and round to round, so the figures compared are seconds apart and',
  'a busy moment on the shared machine tends to hit both sides. Every server process is first run for a while at c=16 in each era, unrecorded, so that its steady state (hot paths compiled by V8) is what is measured, as for a long-running gateway; each load then warms up again before it is measured. The HTTP driver is the',
  'one of the SDK tables (undici, one keep-alive connection per worker; in the session era each worker opens its',
  'own session first). **CPU per call** is from `/proc/<pid>/stat` over the measured window, for the gateway',
  'process and for its upstream separately; it moves less with other load than calls/s. **Audit** runs the',
  'gateway\'s own `openAuditLog` (`@mcpkit/gateway`) on a fresh SQLite file in a separate process: records shaped',
  'as the policy middleware writes them (arguments hashed with `reduceArguments`), handed in 1,000 per event-loop',
  'turn, the rate taken from the first append to `flush()` (every record committed), then the chain is verified',
  '(not timed). **Memory** starts the gateway with 10 echo upstreams over stdio, waits until all 10 tools are',
  'listed, reads the gateway\'s `VmRSS`, opens the sessions (`initialize` + `notifications/initialized` with the',
  'key, 16 at a time) and leaves them idle, probes the oldest, and reads `VmRSS` again; the upstreams\' own RSS is',
  'shown apart. All files (key store, audit databases) live in a fresh folder under the OS temp dir, on the same',
  'disk as the repository. The machine (2 cores) is shared with other work while this runs, so absolute numbers',
  'are noisy; the per-round comparisons and the CPU-per-call figures are the ones to read.',
].join('\n');

const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' / ');

/** The whole gateway section, markers included. */
export function renderGatewaySection({ results, failures, params, startInfo, endInfo, seconds }) {
  const r = results;
  const eras = (k) => [...new Set((r[k] ?? []).filter(Boolean))].join(' / ') || 'unknown';
  const p = params;
  const out = [BEGIN, '', '## The gateway: added cost over a direct call', ''];
  out.push(
    'The mcpkit gateway (`@mcpkit/gateway`) in front of the echo server, against the echo server called directly,',
    'measured in one run with authentication, scopes, rate limits and the audit log on. Cells are medians over',
    'rounds; comparisons are made within each round (see the method below).',
    '',
    `- machine: ${startInfo.nproc} CPUs (${startInfo.cpu}), ${startInfo.memoryGiB.toFixed(1)} GiB memory, Linux ${startInfo.kernel}; Node ${startInfo.node}; mcpkit ${startInfo.packages['@mcpkit/server']} at ${startInfo.git}`,
    `- load average (1/5/15 min) at start ${fmtLoad(startInfo.loadavg)}, at end ${fmtLoad(endInfo.loadavg)}; the gateway suite took ${Math.round(seconds)} s`,
    `- parameters: rounds ${p.rounds} (memory: ${p.memory.rounds}); sequential ≤ ${p.seq.n} calls or ${p.seq.durationMs} ms (stdio), HTTP c ∈ {${p.http.concurrencies.join(', ')}} for ${p.http.durationMs} ms each after ${p.warm.durationMs} ms of unrecorded warm-up per process and era;`,
    `  audit ${p.audit.records.toLocaleString('en-US')} records per round; ${p.memory.sessions.toLocaleString('en-US')} sessions with ${p.memory.upstreams} upstreams`,
    `- the gateway negotiated with its upstream: stdio ${eras('gw.stdio.upstreamEra')}; HTTP ${eras('gw.http.upstreamEra')}`,
    '',
    '### Sequential `tools/call echo` (one call at a time, c=1)',
    '',
    sequentialTable(r),
    '',
    '### Throughput at c=16 (16 workers, one keep-alive connection each)',
    '',
    throughputTable(r),
    '',
    '### Audit log: append rate into SQLite (`openAuditLog`)',
    '',
    auditTable(r),
    '',
    '### Memory: the gateway process with upstreams and idle sessions',
    '',
    memoryTable(r),
    '',
    '### Gateway targets from the issue',
    '',
    'Informational: the harness never fails on a number.',
    '',
    targetsTable(r),
    '',
    '### Gateway method',
    '',
    METHOD,
    '',
  );
  if (failures.length > 0) {
    out.push('### Failed gateway measurements', '');
    for (const f of failures) out.push(`- round ${f.round}, ${f.job}: ${f.error.replace(/\n/g, ' ').slice(0, 300)}`);
    out.push('');
  }
  const raw = Object.keys(r)
    .sort()
    .map((key) => `  ${JSON.stringify(key)}: ${JSON.stringify(r[key].map((v) => (typeof v === 'number' ? +v.toPrecision(4) : (v ?? null))))}`);
  out.push('<details><summary>Gateway raw samples (one value per round, in round order)</summary>', '', '```json', `{\n${raw.join(',\n')}\n}`, '```', '', '</details>', '', END, '');
  return out.join('\n');
}

/** The gateway section of an existing BENCHMARKS.md, markers included, or undefined. */
export function extractGatewaySection(doc) {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  return a < 0 || b < a ? undefined : `${doc.slice(a, b + END.length)}\n`;
}

/** `doc` with its gateway section replaced by `section` (appended when it has none). */
export function withGatewaySection(doc, section) {
  const a = doc.indexOf(BEGIN);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return `${doc.replace(/\n*$/, '\n\n')}${section}`;
  return doc.slice(0, a) + section + doc.slice(b + END.length).replace(/^\n/, '');
}
