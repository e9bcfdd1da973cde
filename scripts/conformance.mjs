// Runs the pinned @modelcontextprotocol/conformance suite (on the Node 22 from tools/conformance) against the
// mcpkit fixtures, for --requirements 2025-11-25 and 2026-07-28, scored and not-scored scenarios alike.
// Prints a summary and exits non-zero if any scenario failed. The client half runs scripts/conformance-client
// and counts a scenario failed on any FAILURE check, scored or not.
//   scripts/conformance [--server-only | --client-only] [--requirements REV] [--scenario NAME] [--keep-results] [--verbose]
// --scenario runs one server scenario (one client scenario with --client-only).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, 'tools', 'conformance', 'node_modules');
const node22 = join(tools, '.bin', 'node');
const suite = join(tools, '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const revisions = option('--requirements') ? [option('--requirements')] : ['2025-11-25', '2026-07-28'];
const scenario = option('--scenario');
const runServer = !flag('--client-only');
const runClient = !flag('--server-only') && (!scenario || flag('--client-only'));

if (!existsSync(node22) || !existsSync(suite)) {
  console.error('conformance: the pinned suite is not installed; run `npm install` (it installs tools/conformance)');
  process.exit(2);
}
const fixture = join(root, 'test', 'dist', 'fixtures', 'conformance-server.js');
const clientFixture = join(root, 'test', 'dist', 'fixtures', 'conformance-client.js');
const clientCommand = join(root, 'scripts', 'conformance-client');
if ((runServer && !existsSync(fixture)) || (runClient && !existsSync(clientFixture))) {
  console.error('conformance: the fixture is not built; run `npm run build`');
  process.exit(2);
}
if (runClient && /\s/.test(clientCommand)) {
  // The suite splits --command on spaces.
  console.error(`conformance: the client half cannot run from a path with spaces (${clientCommand})`);
  process.exit(2);
}

function startFixture() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture, '--port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    const onData = (d) => {
      err += d;
      const m = /listening on (http:\/\/\S+)/.exec(err);
      if (m) {
        child.stderr.off('data', onData);
        child.stderr.on('data', (x) => process.stderr.write(`[fixture] ${x}`));
        resolve({ child, url: m[1] });
      }
    };
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`fixture exited (${code}): ${err}`)));
  });
}

function run(argv) {
  return new Promise((resolve) => {
    const child = spawn(node22, [suite, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** Every result directory's checks, by scenario name (`auth/…` scenarios sit one level down). */
function resultChecks(dir, prefix = '') {
  const out = [];
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const file = join(dir, d.name, 'checks.json');
    if (existsSync(file)) out.push({ scenario: prefix + d.name.replace(/-\d{4}-\d\d-\d\dT.*$/, ''), checks: JSON.parse(readFileSync(file, 'utf8')) });
    else out.push(...resultChecks(join(dir, d.name), `${prefix}${d.name}/`));
  }
  return out;
}

function failedChecks(dir) {
  const lines = [];
  for (const { scenario: name, checks } of resultChecks(dir)) {
    for (const c of checks) {
      if (c.status === 'FAILURE' || c.status === 'WARNING') {
        lines.push(`    ${c.status} ${name} ${c.id}: ${c.errorMessage ?? c.description}`);
      }
    }
  }
  return lines;
}

/** One client half: a scenario fails on any FAILURE check (scored or not), a ✗ from the suite, or no results. */
async function runClientHalf(rev) {
  const out = mkdtempSync(join(tmpdir(), `mcpkit-conformance-client-${rev}-`));
  const argv = scenario
    ? ['client', '--command', clientCommand, '--scenario', scenario, '--spec-version', rev, '--force', '-o', out]
    : ['client', '--command', clientCommand, '--requirements', rev, '-o', out];
  const r = await run(argv);
  const lines = r.out.split('\n');
  const results = new Map();
  for (const l of lines) {
    const m = /^([✓✗]) (\S+): (\d+) passed, (\d+) failed$/.exec(l);
    if (m) results.set(m[2], { line: l, bad: m[1] === '✗' });
  }
  for (const { scenario: name, checks } of resultChecks(out)) {
    const failures = checks.filter((c) => c.status === 'FAILURE').length;
    const entry = results.get(name) ?? { line: `${failures ? '✗' : '✓'} ${name}: ${checks.filter((c) => c.status === 'SUCCESS').length} passed, ${failures} failed`, bad: false };
    entry.bad ||= failures > 0;
    results.set(name, entry);
  }
  // A targeted run prints no per-scenario line; its exit code also covers a client that crashed or timed out.
  if (scenario && results.has(scenario) && r.code !== 0) results.get(scenario).bad = true;
  const bad = [...results.entries()].filter(([, e]) => e.bad);
  const total = lines.find((l) => l.startsWith('Total:')) ?? lines.find((l) => l.startsWith('Passed:')) ?? '';
  const ok = results.size > 0 && bad.length === 0;
  const report = [`client --requirements ${rev}: ${ok ? 'PASS' : 'FAIL'} (${results.size - bad.length}/${results.size} scenarios; ${total.trim()})`];
  for (const [, e] of bad) report.push(`  ${e.line.replace(/^✓/, '✗')}`);
  if (!ok || flag('--verbose')) report.push(...failedChecks(out));
  if (results.size === 0) report.push(r.out.split('\n').slice(-30).join('\n'));
  if (!flag('--keep-results')) rmSync(out, { recursive: true, force: true });
  else report.push(`  results: ${out}`);
  return { ok, report };
}

let failed = false;
const summary = [];
const { child, url } = runServer ? await startFixture() : { child: undefined, url: '' };
try {
  for (const rev of runServer ? revisions : []) {
    const out = mkdtempSync(join(tmpdir(), `mcpkit-conformance-${rev}-`));
    const argv = scenario
      ? ['server', '--url', url, '--scenario', scenario, '--spec-version', rev, '--force', '-o', out]
      : ['server', '--url', url, '--requirements', rev, '-o', out];
    const r = await run(argv);
    const lines = r.out.split('\n');
    const scen = lines.filter((l) => /^[✓✗] \S+: \d+ passed, \d+ failed$/.test(l));
    const bad = scen.filter((l) => l.startsWith('✗'));
    const total = lines.find((l) => l.startsWith('Total:')) ?? lines.find((l) => l.startsWith('Passed:')) ?? '';
    const ok = r.code === 0 && bad.length === 0 && !(scenario && /failed/.test(total) && !/ 0 failed/.test(total));
    if (!ok) failed = true;
    summary.push(`server --requirements ${rev}: ${ok ? 'PASS' : 'FAIL'} (${scen.length - bad.length}/${scen.length} scenarios; ${total.trim()})`);
    for (const l of bad) summary.push(`  ${l}`);
    if (!ok || flag('--verbose')) summary.push(...failedChecks(out));
    if (!ok && scen.length === 0) summary.push(r.out.split('\n').slice(-30).join('\n'));
    if (!flag('--keep-results')) rmSync(out, { recursive: true, force: true });
    else summary.push(`  results: ${out}`);
  }
} finally {
  child?.kill('SIGTERM');
}
for (const rev of runClient ? revisions : []) {
  const { ok, report } = await runClientHalf(rev);
  if (!ok) failed = true;
  summary.push(...report);
}
console.log('\n=== mcpkit conformance ===');
console.log(summary.join('\n'));
process.exit(failed ? 1 : 0);
