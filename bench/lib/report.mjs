/**
 * Turns the collected samples into BENCHMARKS.md: one table per workload (medians over rounds, and the
 * mcpkit ratios), the targets from the issue, the machine and parameters, the method, and the raw samples.
 * @module
 */
import { REFERENCE_SERVERS } from './reference-servers.mjs';
import { median } from './stats.mjs';

/**
 * Rows per table. `better` says which way a ratio is good; `sum` aggregates by total instead of median; `only`
 * names the one contender a row applies to, and `na` what the other cells say. A table's `note` is its method,
 * printed under its title.
 */
export const TABLES = [
  {
    title: 'tools/call over stdio',
    rows: [
      { key: 'stdio.seq.p50', label: 'sequential p50', unit: 'ms', better: 'lower' },
      { key: 'stdio.seq.p99', label: 'sequential p99', unit: 'ms', better: 'lower' },
      { key: 'stdio.seq1.p50', label: 'sequential p50, driver and server on one core', unit: 'ms', better: 'lower' },
      { key: 'stdio.seq1.p99', label: 'sequential p99, driver and server on one core', unit: 'ms', better: 'lower' },
      { key: 'stdio.pipe.cps', label: 'pipelined throughput', unit: 'calls/s', better: 'higher' },
      { key: 'stdio.pipe.p99', label: 'pipelined p99 under load', unit: 'ms', better: 'lower' },
      { key: 'stdio.pipe.max', label: 'pipelined max under load', unit: 'ms', better: 'lower' },
      { key: 'stdio.pipe.serverUs', label: 'pipelined: server CPU per call', unit: 'µs', better: 'lower' },
      { key: 'stdio.pipe.driverUs', label: 'pipelined: driver CPU per call', unit: 'µs' },
    ],
  },
  ...['session', 'stateless'].map((era) => ({
    title: era === 'session' ? 'tools/call over Streamable HTTP, session era (2025-11-25)' : 'tools/call over Streamable HTTP, 2026-07-28 (stateless)',
    rows: [1, 16].flatMap((c) => [
      { key: `http.${era}.c${c}.cps`, label: `c=${c} throughput`, unit: 'calls/s', better: 'higher' },
      { key: `http.${era}.c${c}.p50`, label: `c=${c} p50`, unit: 'ms', better: 'lower' },
      { key: `http.${era}.c${c}.p99`, label: `c=${c} p99`, unit: 'ms', better: 'lower' },
      ...(c > 1 ? [{ key: `http.${era}.c${c}.max`, label: `c=${c} max`, unit: 'ms', better: 'lower' }] : []),
      { key: `http.${era}.c${c}.errors`, label: `c=${c} errors (all rounds)`, unit: '', sum: true },
      { key: `http.${era}.c${c}.serverUs`, label: `c=${c} server CPU per call`, unit: 'µs', better: 'lower' },
      { key: `http.${era}.c${c}.driverUs`, label: `c=${c} driver CPU per call`, unit: 'µs' },
    ]),
  })),
  {
    title: 'tools/list with 1,000 registered tools (stdio, every page)',
    rows: [
      { key: 'list.p50', label: 'p50', unit: 'ms', better: 'lower' },
      { key: 'list.p99', label: 'p99', unit: 'ms', better: 'lower' },
    ],
  },
  {
    title: 'echo_big: 100 KB argument, 1 MB result',
    rows: [
      { key: 'big.stdio.p50', label: 'stdio p50', unit: 'ms', better: 'lower' },
      { key: 'big.http.p50', label: 'HTTP session era p50', unit: 'ms', better: 'lower' },
    ],
  },
  {
    title: 'Idle session-era HTTP sessions (server VmRSS)',
    note:
      'RSS per idle session is the growth of VmRSS from a reading after the first warm-up sessions to the reading ' +
      'with all of them open, divided by the sessions opened in between. The 2026-07-28 era has no sessions: a ' +
      'client that is not calling holds nothing on the server, so there is no row for it.',
    rows: [
      { key: 'memory.baseline', label: 'RSS before any session', unit: 'MiB', better: 'lower' },
      { key: 'memory.open', label: 'RSS with the sessions open', unit: 'MiB', better: 'lower' },
      { key: 'memory.perIdleSession', label: 'RSS per idle session', unit: 'KiB', better: 'lower' },
      { key: 'memory.afterTtl', label: 'RSS after the idle TTL', unit: 'MiB', better: 'lower' },
      { key: 'memory.reclaimed', label: 'sessions reclaimed after the TTL', unit: '', flag: true },
      { key: 'memory.opened', label: 'sessions opened', unit: '' },
      { key: 'memory.openSeconds', label: 'time to open them', unit: 's', better: 'lower' },
    ],
  },
  {
    title: 'Cold start: spawn → initialize → first tools/call answered (stdio)',
    rows: [{ key: 'cold.ms', label: 'time to first tools/call', unit: 'ms', better: 'lower' }],
  },
  {
    title: 'Cold start of the reference servers and the CLI (stdio)',
    note:
      'mcpkit only: the reference servers are mcpkit\'s own, and the official SDKs have no command line. A server ' +
      'row is `spawn()` of `node servers/<name>/bin/mcpkit-<name>.js` → `initialize` answered → ' +
      '`notifications/initialized` → every page of `tools/list` answered: when a host can first offer the ' +
      'server\'s tools. Each repeat is a new process, so every sample is a process\'s first answer; the cell is the ' +
      'median over rounds of the median of each round\'s repeats. filesystem serves an empty scratch directory, ' +
      'sqlite an empty database file, github starts without `GITHUB_TOKEN` (listing makes no API request). The CLI ' +
      'row is the wall time of `mcpkit list -- node servers/everything/bin/mcpkit-everything.js` from spawn to exit ' +
      '(the CLI starting, spawning the server, the handshake, the listing, printing it and closing the server), ' +
      'run as `node packages/cli/bin/mcpkit.js`, without npx\'s package lookup; the mcpkit-everything row is the ' +
      'same server started by the driver alone.',
    rows: [
      ...REFERENCE_SERVERS.map((s) => ({
        key: `cold.server.${s.id}`,
        label: `mcpkit-${s.id}: spawn → tools/list answered`,
        unit: 'ms',
        better: 'lower',
        only: 'mcpkit',
        na: 'n/a (mcpkit only)',
      })),
      { key: 'cold.cli.list', label: '`mcpkit list` wall time', unit: 'ms', better: 'lower', only: 'mcpkit', na: 'n/a (no CLI)' },
    ],
  },
];

export const ALL_ROWS = TABLES.flatMap((t) => t.rows);

/** The aggregate of one row for one contender over its rounds. */
export function aggregate(row, samples) {
  if (!samples || samples.length === 0) return undefined;
  if (row.flag) return samples.every((v) => v === undefined) ? undefined : samples.every((v) => v === true);
  if (row.sum) return samples.reduce((a, b) => a + (b ?? 0), 0);
  return median(samples);
}

export function formatValue(value, row) {
  if (value === undefined || value === null || Number.isNaN(value)) return undefined;
  if (row.flag) return value ? 'yes' : 'no';
  if (row.unit === 'µs' || row.unit === 'KiB') return value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
  if (row.unit === 'calls/s' || row.unit === '') return Math.round(value).toLocaleString('en-US');
  if (row.unit === 'MiB') return value.toFixed(1);
  if (row.unit === 's') return value.toFixed(1);
  // milliseconds: three significant digits, at least one decimal
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value >= 1 ? value.toFixed(2) : value.toFixed(3);
}

function ratio(a, b, row) {
  if (row.flag || row.sum || !row.better) return '';
  if (typeof a !== 'number' || typeof b !== 'number' || !(b > 0)) return '';
  return `${(a / b).toFixed(2)}×`;
}

/** The cell text for a contender that did not take part in a row. */
function missing(contender, row, failures) {
  if (row.only !== undefined && row.only !== contender.id) return row.na ?? 'n/a';
  if (failures.some((f) => f.contender === contender.id && f.keys?.includes(row.key))) return 'error';
  if (row.key.startsWith('http.stateless') && !contender.stateless) return 'n/a (no 2026-07-28)';
  if ((row.key === 'memory.afterTtl' || row.key === 'memory.reclaimed') && !contender.idleTtl) return 'n/a (no idle TTL)';
  return '—';
}

export function tableMarkdown(table, results, contenders, failures) {
  const byId = Object.fromEntries(contenders.map((c) => [c.id, c]));
  const others = ['v2', 'v1', 'floor'].filter((id) => byId[id]);
  const head = ['workload', ...contenders.map((c) => c.label), ...others.map((id) => `mcpkit / ${byId[id].label}`)];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  for (const row of table.rows) {
    const values = Object.fromEntries(contenders.map((c) => [c.id, aggregate(row, results[row.key]?.[c.id])]));
    const unit = row.unit && !row.flag ? ` (${row.unit})` : '';
    const arrow = row.better === 'lower' ? ', lower is better' : row.better === 'higher' ? ', higher is better' : '';
    const cells = contenders.map((c) => formatValue(values[c.id], row) ?? missing(c, row, failures));
    const ratios = others.map((id) => ratio(values.mcpkit, values[id], row));
    lines.push(`| ${row.label}${unit.replace(')', `${arrow})`)} | ${[...cells, ...ratios].join(' | ')} |`);
  }
  return lines.join('\n');
}

/** The issue's targets, each checked against the medians (informational: nothing fails on them). */
export function targets(results) {
  const v = (key, id) => aggregate(ALL_ROWS.find((r) => r.key === key), results[key]?.[id]);
  const r = (key, id) => {
    const a = v(key, 'mcpkit');
    const b = v(key, id);
    return typeof a === 'number' && typeof b === 'number' && b > 0 ? a / b : undefined;
  };
  const fmt = (x, d = 2) => (x === undefined ? '—' : x.toFixed(d));
  const times = (x) => (x === undefined ? '—' : `${x.toFixed(2)}×`);
  const check = (ok) => (ok === undefined ? '—' : ok ? 'met' : 'not met');
  const rows = [
    ['stdio pipelined ≥ 3× official v2', times(r('stdio.pipe.cps', 'v2')), r('stdio.pipe.cps', 'v2') === undefined ? undefined : r('stdio.pipe.cps', 'v2') >= 3],
    ['stdio pipelined ≥ 0.6× floor', times(r('stdio.pipe.cps', 'floor')), r('stdio.pipe.cps', 'floor') === undefined ? undefined : r('stdio.pipe.cps', 'floor') >= 0.6],
  ];
  for (const era of ['session', 'stateless']) {
    const k = `http.${era}.c16`;
    const name = era === 'session' ? 'session era' : '2026-07-28';
    const rv2 = r(`${k}.cps`, 'v2');
    const rfl = r(`${k}.cps`, 'floor');
    const errs = v(`${k}.errors`, 'mcpkit');
    rows.push([`HTTP c=16 ${name} ≥ 5× official v2`, times(rv2), rv2 === undefined ? undefined : rv2 >= 5]);
    rows.push([`HTTP c=16 ${name} ≥ 0.5× floor`, times(rfl), rfl === undefined ? undefined : rfl >= 0.5]);
    rows.push([`HTTP c=16 ${name} zero errors`, errs === undefined ? '—' : String(errs), errs === undefined ? undefined : errs === 0]);
  }
  const list = v('list.p50', 'mcpkit');
  rows.push(['tools/list with 1,000 tools ≤ 2 ms p50', list === undefined ? '—' : `${fmt(list, 3)} ms`, list === undefined ? undefined : list <= 2]);
  const open = v('memory.open', 'mcpkit');
  const opened = v('memory.opened', 'mcpkit');
  rows.push([
    `${(opened ?? 0).toLocaleString('en-US')} idle sessions ≤ 200 MB RSS`,
    open === undefined ? '—' : `${fmt(open * 1.048576, 1)} MB`,
    open === undefined ? undefined : open * 1.048576 <= 200,
  ]);
  const reclaimed = v('memory.reclaimed', 'mcpkit');
  rows.push(['sessions reclaimed after the idle TTL', reclaimed === undefined ? '—' : reclaimed ? 'yes' : 'no', reclaimed]);
  rows.push(...leadRows(v));
  return ['| target | mcpkit | status |', '| --- | ---: | --- |', ...rows.map(([t, val, ok]) => `| ${t} | ${val} | ${check(ok)} |`)].join('\n');
}

/**
 * Issue 14's targets over every row at once: mcpkit ahead of both official SDKs wherever a direction is set
 * (the worst margin named), within 1.3× of the floor on latency rows and 1.5× on server CPU per call.
 */
function leadRows(v) {
  const compared = ALL_ROWS.filter((row) => row.better && !row.only);
  const lost = [];
  let worst;
  for (const row of compared) {
    const m = v(row.key, 'mcpkit');
    for (const id of ['v1', 'v2']) {
      const o = v(row.key, id);
      if (typeof m !== 'number' || typeof o !== 'number') continue;
      // margin > 1: mcpkit better by that factor
      const margin = row.better === 'lower' ? o / m : m / o;
      if (margin <= 1) lost.push(`${row.key} vs ${id}`);
      if (worst === undefined || margin < worst.margin) worst = { margin, what: `${row.key} vs ${id}` };
    }
  }
  const floorRows = (pick, bound) => {
    const over = [];
    let max;
    for (const row of compared.filter(pick)) {
      const m = v(row.key, 'mcpkit');
      const f = v(row.key, 'floor');
      if (typeof m !== 'number' || typeof f !== 'number' || !(f > 0)) continue;
      const r = m / f;
      if (r > bound) over.push(`${row.key} ${r.toFixed(2)}×`);
      if (max === undefined || r > max.r) max = { r, what: row.key };
    }
    return { over, max };
  };
  const latency = floorRows((row) => row.unit === 'ms' && row.better === 'lower' && /\.(p50|p99|max)$/.test(row.key), 1.3);
  const cpu = floorRows((row) => row.key.endsWith('serverUs'), 1.5);
  const shown = (list) => (list.length > 4 ? `${list.slice(0, 4).join(', ')} and ${list.length - 4} more` : list.join(', '));
  return [
    [
      'ahead of official v1 and v2 on every compared row',
      worst === undefined ? '—' : lost.length === 0 ? `closest: ${worst.what}, ${worst.margin.toFixed(2)}× better` : `behind on ${shown(lost)}`,
      worst === undefined ? undefined : lost.length === 0,
    ],
    [
      'every latency row ≤ 1.3× floor',
      latency.max === undefined ? '—' : latency.over.length === 0 ? `worst ${latency.max.what} ${latency.max.r.toFixed(2)}×` : `over on ${shown(latency.over)}`,
      latency.max === undefined ? undefined : latency.over.length === 0,
    ],
    [
      'server CPU per call ≤ 1.5× floor',
      cpu.max === undefined ? '—' : cpu.over.length === 0 ? `worst ${cpu.max.what} ${cpu.max.r.toFixed(2)}×` : `over on ${shown(cpu.over)}`,
      cpu.max === undefined ? undefined : cpu.over.length === 0,
    ],
  ];
}
