/**
 * What the report says about where it ran: machine, Node, package versions, git revision.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './contenders.mjs';

function read(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function version(pkgDir) {
  try {
    return JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

export function machineInfo() {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(read('/proc/cpuinfo'))?.[1]?.trim() ?? 'unknown';
  const memKb = Number(/^MemTotal:\s+(\d+)/m.exec(read('/proc/meminfo'))?.[1] ?? totalmem() / 1024);
  let git = 'unknown';
  try {
    git = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim();
    if (dirty !== '') git += ' (with uncommitted changes)';
  } catch {
    // not a git checkout: the revision stays unknown
  }
  const nm = (name) => version(join(ROOT, 'node_modules', name));
  return {
    nproc: availableParallelism(),
    cpu,
    memoryGiB: memKb / 1024 / 1024,
    kernel: release(),
    node: process.version,
    loadavg: loadavg(),
    git,
    packages: {
      '@mcpkit/server': version(join(ROOT, 'packages', 'server')),
      '@modelcontextprotocol/sdk': nm('@modelcontextprotocol/sdk'),
      '@modelcontextprotocol/server': nm('@modelcontextprotocol/server'),
      '@modelcontextprotocol/node': nm('@modelcontextprotocol/node'),
      undici: nm('undici'),
      zod: nm('zod'),
    },
  };
}

export { loadavg };
