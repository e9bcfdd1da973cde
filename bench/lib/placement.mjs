/**
 * Where the SDK suite runs its processes. A sequential round trip between two processes on a two-core machine
 * is set by the scheduler more than by either process: left alone, the kernel sometimes wakes the answering
 * process on the caller's core (a hand-off, ~15 µs here) and sometimes on the other, idle one (a cross-core
 * wake-up, ~70 µs), and which one a whole run gets depends on unrelated background threads of the process
 * (GC, compilers). Unpinned, the same floor binary measured 0.027 ms in one round and 0.071 ms in the next.
 * So each measurement pins: the driver on one core and the server on the other (`split`, the case of a host
 * and a server both running), and for the extra sequential row both on one core (`shared`, the pure cost of
 * the code path). Every contender gets the same placement. Without `taskset` or a second core, nothing is
 * pinned and the report says so.
 * @module
 */
import { execFileSync } from 'node:child_process';

function detect() {
  if (process.env.MCPKIT_BENCH_PIN === '0') return { cpus: [], why: 'pinning turned off (MCPKIT_BENCH_PIN=0)' };
  let out;
  try {
    out = execFileSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return { cpus: [], why: 'no `taskset` on this machine' };
  }
  // "pid 123's current affinity list: 0,1" or "0-3,6"
  const list = out.split(':').pop().trim();
  const cpus = list.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
  return cpus.length >= 2 ? { cpus, why: '' } : { cpus: [], why: 'fewer than two CPUs to pin to' };
}

const found = detect();

/** The two CPUs the suite pins to (driver, server), or undefined when it cannot pin. */
export const CPUS = found.cpus.length >= 2 ? { driver: String(found.cpus[0]), server: String(found.cpus[1]) } : undefined;

/** One line for the report: how processes were placed. */
export const PLACEMENT_NOTE = CPUS
  ? `driver pinned to CPU ${CPUS.driver}, server to CPU ${CPUS.server} (\`taskset\`), except the one-core row (both on CPU ${CPUS.driver}); cold starts and memory are not pinned`
  : `not pinned: ${found.why}`;

/**
 * The CPUs for a placement: `split` (driver and server on separate cores), `shared` (both on the driver's core),
 * or undefined (not pinned).
 */
export function cpusFor(placement) {
  if (!CPUS || placement === undefined) return undefined;
  return placement === 'shared' ? { driver: CPUS.driver, server: CPUS.driver } : { ...CPUS };
}

/** `spec` ({ command, args }) started on `cpu` through taskset, which execs it: the pid stays the server's. */
export function onCpu(spec, cpu) {
  return cpu === undefined ? spec : { ...spec, command: 'taskset', args: ['-c', cpu, spec.command, ...spec.args] };
}
