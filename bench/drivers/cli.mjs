/**
 * Command wall-time driver: runs a command to completion `repeats` times, each a new process, and times spawn →
 * exit. A run counts only when it exits 0 and its stdout contains `expect`.
 * Usage: `node bench/drivers/cli.mjs '<json config>'`; config: { command, args, repeats, expect, dropEnv,
 *         timeLimitMs }. Prints one JSON result line on stdout: { ok, samples, ms (median), first }.
 * @module
 */
import { spawn } from 'node:child_process';
import { median } from '../lib/stats.mjs';

const config = JSON.parse(process.argv[2] ?? '{}');
const timeLimitMs = config.timeLimitMs ?? 120_000;
setTimeout(() => finish({ ok: false, error: `driver time limit (${timeLimitMs} ms) reached` }), timeLimitMs).unref();
const env = { ...process.env };
for (const name of config.dropEnv ?? []) delete env[name];
let child;

function finish(result) {
  child?.kill('SIGKILL');
  process.stdout.write(JSON.stringify({ ...result, errors: 0, errorSamples: [] }) + '\n');
  process.exit(result.ok === false ? 1 : 0);
}

/** One run: resolves with its wall time in ms; rejects naming the exit status and the output's tail. */
function once() {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    child = spawn(config.command, config.args ?? [], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (err = (err + s).slice(-2048)));
    child.once('error', reject);
    // 'close', not 'exit': the run is over when its output is, as for a user reading it in a terminal.
    child.once('close', (code, signal) => {
      const ms = performance.now() - t0;
      if (code !== 0) reject(new Error(`exited ${code ?? signal}: ${err.trim() || out.trim().slice(-300)}`));
      else if (config.expect !== undefined && !out.includes(config.expect)) reject(new Error(`stdout lacks ${JSON.stringify(config.expect)}: ${out.slice(0, 300)}`));
      else resolve(ms);
    });
  });
}

async function main() {
  const samples = [];
  for (let i = 0; i < (config.repeats ?? 3); i++) samples.push(await once());
  return { ok: true, samples, ms: median(samples), first: samples[0] };
}

main().then(finish, (error) => finish({ ok: false, error: error?.message ?? String(error) }));
