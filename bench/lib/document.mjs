/**
 * BENCHMARKS.md: tables, targets, machine and parameters, method, and the raw per-round samples.
 * @module
 */
import { PLACEMENT_NOTE } from './placement.mjs';
import { TABLES, tableMarkdown, targets } from './report.mjs';

/** The method paragraph, exported so a report can be re-rendered around it. */
export const METHOD = [
  'Each server is its own process, started afresh for each measurement; the load drivers (`bench/drivers/`) are',
  'separate processes that speak raw JSON-RPC, with no SDK on the driving side. A measurement warms up first, then is',
  'bounded by a call count and a duration. Runs interleave the contenders: every workload measures mcpkit, v1, v2 and',
  'the floor in turn, the starting contender rotates each round, and the table shows the median of the rounds.',
  '**Placement**: on a two-core machine a sequential round trip between two processes is set by where the kernel',
  'wakes the answering process as much as by either process: on the caller\'s core (a hand-off) or on the other,',
  'idle core (a cross-core wake-up, several times slower), and which one a run gets follows unrelated background',
  'threads (unpinned, the same floor binary measured 0.027 ms p50 in one round and 0.071 ms in the next). So the',
  'driver is pinned to one CPU and the server to the other with `taskset` (the pid stays the server\'s), the same',
  'for every contender; the one-core sequential rows put both on the driver\'s CPU and show the code path\'s own',
  'cost. Cold starts and memory are not pinned.',
  '**stdio**: the driver spawns the server and performs `initialize` + `notifications/initialized`; *sequential* sends',
  'one `tools/call` at a time and records each round trip (p50/p99); *pipelined* keeps 64 calls in flight, counts',
  'answers per second and records each call from being queued to its answer being parsed (with 64 in flight most of',
  'that is queueing, about 64 ÷ throughput). **HTTP**: an undici `Pool` with one keep-alive connection per',
  'concurrent worker and no HTTP pipelining. undici over `node:http`\'s Agent because driver and server share two',
  'cores and undici spent about a third less CPU per call on this harness (≈33 µs against ≈51 µs at c=16 against the',
  'floor), so it takes less from the server under test. In the session era each worker opens its own session (`initialize`, `notifications/initialized`,',
  'then calls with `Mcp-Session-Id` and `MCP-Protocol-Version`); in 2026-07-28 every call carries the `_meta` envelope',
  '(`io.modelcontextprotocol/protocolVersion`, `io.modelcontextprotocol/clientCapabilities`) and the `MCP-Protocol-Version`,',
  '`Mcp-Method` and `Mcp-Name` headers. **Latency under load** (pipelined stdio, HTTP c=16): p99 and max are over',
  'every call answered in the measured window; max is the single slowest, set by one GC pause or one descheduling on',
  'a shared machine as much as by the server, so the cell (a median over rounds of each round\'s worst) is a figure of',
  'how bad a tail gets, not a bound. A call counts as an error on a non-200 status, a JSON-RPC error, or a wrong',
  'result; the drivers read JSON and SSE answers alike. Each server runs in its SDK\'s documented default shape: v1',
  'answers session-era POSTs as SSE (its default, `enableJsonResponse: false`), and so does v2\'s sessionful transport;',
  'v2 serves 2026-07-28 through `createMcpHandler` (a fresh server instance per request, by its design) and routes',
  'session-era traffic with `isLegacyRequest` to a sessionful `WebStandardStreamableHTTPServerTransport`, mounted on',
  '`node:http` with `toNodeHandler`. mcpkit checks Host and Origin on its loopback bind by default; the official',
  'servers as wired here do not (their docs leave that to middleware). mcpkit runs the `scripts/bench-echo-server`',
  'fixture for the echo workloads and `bench/servers/mcpkit.mjs` (the same `@mcpkit/server` API) for the rest.',
  '**CPU per call** is the CPU time (user + system, from `/proc/<pid>/stat` for the server, `process.cpuUsage()` for',
  'the driver) spent during the measured window divided by the calls answered in it. It moves far less with other',
  'load on the machine than calls/s does, so it is the steadier figure for comparing rounds and commits; the',
  'driver rows show how much of the two cores the client itself took. **tools/list** follows `nextCursor` until',
  'the whole list of 1,000 tools has been read; its time includes the driver\'s parse of a ~150 KB answer, the same for',
  'every contender. **Memory** reads `VmRSS` from `/proc/<pid>/status` of the server before any session, after opening',
  'the first warm-up sessions, after opening all of them (the oldest is probed first, so all are known to be',
  'open; RSS per idle session is the growth between the last two readings over the sessions opened between them, so',
  'the one-time cost of a server\'s first sessions is not spread over the rest), and, for servers with an idle TTL, after',
  'the TTL plus one sweep, when the oldest session is probed again: 404 means reclaimed. RSS after the TTL shows what',
  'the process still holds; V8 returns freed heap to the OS only after a major GC, so reclaimed sessions need not',
  'lower it at once. **Cold start** is measured from `spawn()` to the answer of the first `tools/call` (after the',
  'handshake), each repeat a new process; for the reference servers to the last page of the first `tools/list`,',
  'and for `mcpkit list` from spawn to exit (see that table). The machine is shared with other work; the load',
  'average above says how busy it was.',
].join('\n');

const fmtLoad = (l) => l.map((x) => x.toFixed(2)).join(' / ');

export function renderDocument({ results, failures, contenders, params, startInfo, endInfo, seconds }) {
  const p = params;
  const out = [];
  out.push('# Benchmarks');
  out.push('');
  out.push(
    '<!-- Generated by `npm run bench` (bench/run.mjs). Do not edit by hand: rerun it. -->',
    '',
    'mcpkit against the official TypeScript MCP SDKs (v1 `@modelcontextprotocol/sdk`, v2 `@modelcontextprotocol/server`)',
    'and a **floor**: a minimal Node process that only parses JSON, dispatches `tools/call` and stringifies, the',
    'physical limit for a Node MCP server. Every server registers the same tools (`echo {text}`, `echo_big {text, times}`, and',
    'filler tools for the 1,000-tool case). Cells are medians over rounds; ratios are mcpkit ÷ the other contender',
    '(for throughput higher is better, for latency and memory lower is better).',
    '',
  );
  out.push('## Where it ran', '');
  const pk = startInfo.packages;
  out.push(
    `- machine: ${startInfo.nproc} CPUs (${startInfo.cpu}), ${startInfo.memoryGiB.toFixed(1)} GiB memory, Linux ${startInfo.kernel}`,
    `- placement: ${PLACEMENT_NOTE}`,
    `- Node ${startInfo.node}; mcpkit ${pk['@mcpkit/server']} at ${startInfo.git}; @modelcontextprotocol/sdk ${pk['@modelcontextprotocol/sdk']};`,
    `  @modelcontextprotocol/server ${pk['@modelcontextprotocol/server']} with @modelcontextprotocol/node ${pk['@modelcontextprotocol/node']}; zod ${pk.zod}; driver HTTP client undici ${pk.undici}`,
    `- load average (1/5/15 min) at start ${fmtLoad(startInfo.loadavg)}, at end ${fmtLoad(endInfo.loadavg)}; the run took ${Math.round(seconds)} s`,
    `- parameters: rounds ${p.rounds} (memory: ${p.memory.rounds}); a warm-up before every measurement (stdio sequential ${p.stdioSeq.warmupN.toLocaleString('en-US')} calls or ${p.stdioSeq.warmupMs} ms, pipelined ${p.stdioPipe.warmupMs} ms, HTTP ${p.http.warmupMs} ms: until V8's optimizing compiler has settled);`,
    `  stdio sequential ≤ ${p.stdioSeq.n} calls or ${p.stdioSeq.durationMs} ms; stdio pipelined ${p.stdioPipe.window} in flight for ${p.stdioPipe.durationMs} ms;`,
    `  HTTP c ∈ {${p.http.concurrencies.join(', ')}} for ${p.http.durationMs} ms each; tools/list ≤ ${p.list.n} listings or ${p.list.durationMs} ms;`,
    `  echo_big ≤ ${p.big.n} calls or ${p.big.durationMs} ms; cold start ${p.cold.repeats} spawns per round (each server, and \`mcpkit list\`);`,
    `  ${p.memory.sessions.toLocaleString('en-US')} sessions opened ${p.memory.concurrency} at a time (RSS read after the first ${p.memory.warmSessions.toLocaleString('en-US')}),`,
    `  idle TTL ${p.memory.idleTtlMs / 1000} s where the server has one`,
    '',
  );
  for (const table of TABLES) {
    out.push(`## ${table.title}`, '');
    if (table.note) out.push(table.note, '');
    out.push(tableMarkdown(table, results, contenders, failures), '');
  }
  out.push('## Targets from the issue', '', 'Informational: the harness never fails on a number.', '', targets(results), '');
  out.push('## Method', '');
  out.push(METHOD, '');
  if (failures.length > 0) {
    out.push('## Failed measurements', '');
    for (const f of failures) out.push(`- round ${f.round}, ${f.job}, ${f.contender}: ${f.error.replace(/\n/g, ' ').slice(0, 300)}`);
    out.push('');
  }
  const raw = Object.entries(roundSamples(results)).map(([key, byContender]) => `  ${JSON.stringify(key)}: ${JSON.stringify(byContender)}`);
  out.push('<details><summary>Raw samples (one value per round, in round order)</summary>', '', '```json', `{\n${raw.join(',\n')}\n}`, '```', '', '</details>', '');
  return out.join('\n');
}

function roundSamples(results) {
  const out = {};
  for (const [key, byContender] of Object.entries(results)) {
    out[key] = Object.fromEntries(
  Object.entries(byContender).map(([id, values]) => [id, values.map((v) => (typeof v === 'number' ? +v.toPrecision(4) : v))]),
    );
  }
  return out;
}
