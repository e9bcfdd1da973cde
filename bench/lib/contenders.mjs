/**
 * The servers under test and how to start each: mcpkit, official SDK v1 and v2, and the raw Node floor.
 * @module
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const NODE = process.execPath;
const server = (file) => join(ROOT, 'bench', 'servers', file);

/**
 * `echo` is the plain workload server; `bench` the one with `--tools` / `--idle-ttl-ms` knobs and `echo_big`.
 * For mcpkit `echo` is the `scripts/bench-echo-server` fixture: `script: true` runs it through that script
 * (the contract outside tools use), otherwise through the node file the script execs, so no contender pays
 * for an extra bash in its cold start.
 */
export const CONTENDERS = [
  {
    id: 'mcpkit',
    label: 'mcpkit',
    echo: (args, { script } = {}) =>
      script
        ? { command: join(ROOT, 'scripts', 'bench-echo-server'), args }
        : { command: NODE, args: [join(ROOT, 'test', 'dist', 'fixtures', 'bench-echo-server.js'), ...args] },
    bench: (args) => ({ command: NODE, args: [server('mcpkit.mjs'), ...args] }),
    stateless: true,
    idleTtl: true,
  },
  {
    id: 'v1',
    label: 'official v1',
    echo: (args) => ({ command: NODE, args: [server('official-v1.mjs'), ...args] }),
    bench: (args) => ({ command: NODE, args: [server('official-v1.mjs'), ...args] }),
    stateless: false, // v1 serves only the session era
    idleTtl: false, // v1 sessions live until DELETE or the transport closes
  },
  {
    id: 'v2',
    label: 'official v2',
    echo: (args) => ({ command: NODE, args: [server('official-v2.mjs'), ...args] }),
    bench: (args) => ({ command: NODE, args: [server('official-v2.mjs'), ...args] }),
    stateless: true,
    idleTtl: false, // no idle TTL on the sessionful transport either
  },
  {
    id: 'floor',
    label: 'floor',
    echo: (args) => ({ command: NODE, args: [server('floor.mjs'), ...args] }),
    bench: (args) => ({ command: NODE, args: [server('floor.mjs'), ...args] }),
    stateless: true,
    idleTtl: true,
  },
];
