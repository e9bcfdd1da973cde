/**
 * The gateway suite: rounds of the gateway jobs (the comparisons job interleaves the direct and gateway
 * measurements in a rotating order), with one scratch workspace and API key for the whole run.
 * Results are `results[metric][round]`, so a round's gateway figure is compared with the same round's direct one.
 * @module
 */
import { machineInfo } from '../lib/machine.mjs';
import { GATEWAY_FULL, GATEWAY_JOBS, GATEWAY_SMOKE } from './jobs.mjs';
import { createWorkspace } from './setup.mjs';

export { GATEWAY_FULL, GATEWAY_SMOKE };

/** Runs the suite; `log` prints progress. Resolves with everything the report needs. */
export async function runGatewaySuite({ params, log }) {
  const results = {};
  const failures = [];
  const started = Date.now();
  const startInfo = machineInfo();
  const ws = await createWorkspace();
  try {
    for (let round = 0; round < Math.max(params.rounds, params.memory.rounds); round++) {
      for (const job of GATEWAY_JOBS) {
        if (round >= (job.memory ? params.memory.rounds : params.rounds)) continue;
        const t0 = Date.now();
        // A measurement inside a job can fail alone; the job goes on with the others.
        const onFailure = (error) => {
          failures.push({ round: round + 1, job: job.id, error: error.message });
          log(`gateway round ${round + 1} ${job.id}: FAILED ${error.message}`);
        };
        try {
          const metrics = await job.run(ws, params, round, onFailure);
          for (const [key, value] of Object.entries(metrics)) (results[key] ??= [])[round] = value;
          log(`gateway round ${round + 1} ${job.id}: ${summary(metrics)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
        } catch (error) {
          failures.push({ round: round + 1, job: job.id, error: error.message });
          log(`gateway round ${round + 1} ${job.id}: FAILED ${error.message}`);
        }
      }
    }
  } finally {
    ws.remove();
  }
  return { results, failures, params, startInfo, endInfo: machineInfo(), seconds: (Date.now() - started) / 1000 };
}

function summary(metrics) {
  return Object.entries(metrics)
    .filter(([k, v]) => v !== undefined && /\.(p50|cps|rate|open|upstreamEra)$/.test(k))
    .map(([k, v]) => `${k}=${typeof v === 'number' ? +v.toPrecision(4) : v}`)
    .join(' ');
}
