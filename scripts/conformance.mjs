// Runs the pinned @modelcontextprotocol/conformance suite (on the Node 22 from tools/conformance) against the
// mcpkit fixtures, for --requirements 2025-11-25 and 2026-07-28, scored and not-scored scenarios alike.
// Prints a summary and exits non-zero if any scenario failed.
//   scripts/conformance [--server-only] [--requirements REV] [--scenario NAME] [--keep-results]
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

if (!existsSync(node22) || !existsSync(suite)) {
  console.error('conformance: the pinned suite is not installed; run `npm install` (it installs tools/conformance)');
  process.exit(2);
}
const fixture = join(root, 'test', 'dist', 'fixtures', 'conformance-server.js');
if (!existsSync(fixture)) {
  console.error('conformance: the fixture is not built; run `npm run build`');
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

function failedChecks(dir) {
  const lines = [];
  for (const d of readdirSync(dir)) {
    const file = join(dir, d, 'checks.json');
    if (!existsSync(file)) continue;
    for (const c of JSON.parse(readFileSync(file, 'utf8'))) {
      if (c.status === 'FAILURE' || c.status === 'WARNING') {
        lines.push(`    ${c.status} ${d.replace(/-\d{4}-\d\d-\d\dT.*$/, '')} ${c.id}: ${c.errorMessage ?? c.description}`);
      }
    }
  }
  return lines;
}

let failed = false;
const summary = [];
const { child, url } = await startFixture();
try {
  for (const rev of revisions) {
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
  child.kill('SIGTERM');
}
if (!flag('--server-only') && !scenario) summary.push('client: not yet implemented (issue #3)');
console.log('\n=== mcpkit conformance ===');
console.log(summary.join('\n'));
process.exit(failed ? 1 : 0);
