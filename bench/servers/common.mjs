/**
 * What every bench server shares: its command line and the tool set, so each contender registers the same
 * tools with the same names, descriptions and argument shapes.
 * @module
 */

/** Server usage: `stdio | http PORT` followed by `--tools N` (total tools, default 2) and `--idle-ttl-ms MS`. */
export function parseServerArgs(argv = process.argv.slice(2)) {
  const [mode, portArg] = argv;
  const flag = (name) => {
    const i = argv.indexOf(name);
    return i < 0 ? undefined : Number(argv[i + 1]);
  };
  const tools = flag('--tools') ?? 2;
  const idleTtlMs = flag('--idle-ttl-ms');
  if (mode !== 'stdio' && mode !== 'http') usage();
  const port = mode === 'http' ? Number(portArg) : undefined;
  if (mode === 'http' && (!Number.isInteger(port) || port < 0 || port > 65535)) usage();
  if (!Number.isInteger(tools) || tools < 2) usage();
  if (idleTtlMs !== undefined && !(idleTtlMs > 0)) usage();
  return { mode, port, tools, idleTtlMs };
}

function usage() {
  console.error('usage: SERVER stdio | SERVER http PORT  [--tools N>=2] [--idle-ttl-ms MS]');
  process.exit(2);
}

export const ECHO = { name: 'echo', description: 'Echoes its text back' };
export const ECHO_BIG = { name: 'echo_big', description: 'Returns its text repeated `times` times' };

/** The filler tools that take a server to `total` tools: `echo` and `echo_big` count towards it. */
export function fillerTools(total) {
  const out = [];
  for (let i = 0; i < total - 2; i++) {
    const n = String(i).padStart(4, '0');
    out.push({ name: `tool_${n}`, description: `Filler tool number ${n}; echoes its text back` });
  }
  return out;
}

/** JSON Schemas for contenders that take JSON Schema directly (mcpkit, the floor). */
export const TEXT_SCHEMA = {
  type: 'object',
  properties: { text: { type: 'string' } },
  required: ['text'],
};
export const BIG_SCHEMA = {
  type: 'object',
  properties: { text: { type: 'string' }, times: { type: 'integer', minimum: 1, maximum: 100 } },
  required: ['text', 'times'],
};
