/**
 * The command line of mcpkit-weather: `[--http PORT]`, parsed without side effects.
 * @module
 */

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: mcpkit-weather [--http PORT]
  Serves deterministic demo weather over MCP: stdio by default, or Streamable HTTP at
  http://127.0.0.1:PORT/mcp with --http (0 picks a free port).`;

/**
 * Parses the arguments after the program name: the HTTP port (undefined for stdio), or `'help'`.
 * @throws UsageError for an unknown argument or a bad port.
 */
export function parseArgs(argv: readonly string[]): { httpPort: number | undefined } | 'help' {
  let httpPort: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg !== '--http') throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    const raw = argv[++i];
    const port = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`--http needs a port number from 0 to 65535, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
    }
    httpPort = port;
  }
  return { httpPort };
}
