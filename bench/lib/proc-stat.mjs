/**
 * CPU time of a process from /proc/<pid>/stat (Linux), for "server CPU per call": a figure that moves less
 * with other load on the machine than calls/s does.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // the Linux default; getconf is missing only on stripped systems
    }
  }
  return ticksPerSecond;
}

/** User + system CPU milliseconds used so far by `pid`, or undefined when it cannot be read. */
export function cpuTimeMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / clockTicks()) * 1000;
  } catch {
    return undefined;
  }
}

/** Starts a CPU meter for the server `pid` and this driver; `stop(calls)` gives µs per call for each. */
export function cpuMeter(pid) {
  clockTicks();
  const server0 = pid === undefined ? undefined : cpuTimeMs(pid);
  const self0 = process.cpuUsage();
  return {
    stop(calls) {
      const server1 = pid === undefined ? undefined : cpuTimeMs(pid);
      const self = process.cpuUsage(self0);
      const per = (ms) => (calls > 0 && ms !== undefined ? (ms * 1000) / calls : undefined);
      return {
        serverCpuUsPerCall: server0 === undefined || server1 === undefined ? undefined : per(server1 - server0),
        driverCpuUsPerCall: per((self.user + self.system) / 1000),
      };
    },
  };
}
