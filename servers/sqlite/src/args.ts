/**
 * The command line of mcpkit-sqlite: `DB [--write] [--http PORT] [limits]`, parsed without side effects.
 * @module
 */

/** What the command line asks for. */
export interface SqliteCommand {
  path: string;
  write: boolean;
  /** Serve Streamable HTTP on 127.0.0.1 at this port (0 picks one); stdio when undefined. */
  httpPort: number | undefined;
  maxRows: number | undefined;
  maxBytes: number | undefined;
  timeoutMs: number | undefined;
}

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE = `usage: mcpkit-sqlite DB [--write] [--http PORT] [--max-rows N] [--max-bytes N] [--timeout-ms N]
  Serves the SQLite database file DB over MCP: stdio by default, or Streamable HTTP at
  http://127.0.0.1:PORT/mcp with --http (0 picks a free port).
  --write        open the database read-write and offer the execute tool (default: read-only)
  --max-rows N   most rows in one result (default 500)
  --max-bytes N  most bytes of rows in one result (default 262144)
  --timeout-ms N longest a statement may run before it is stopped (default 15000)`;

function integer(flag: string, raw: string | undefined, min: number, max: number): number {
  const n = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag} needs a whole number from ${min} to ${max}, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
  }
  return n;
}

/**
 * Parses the arguments after the program name; `undefined` means `--help` was asked for.
 * @throws UsageError for an unknown option, a bad number, or no (or more than one) database path.
 */
export function parseArgs(argv: readonly string[]): SqliteCommand | undefined {
  const paths: string[] = [];
  const command: Omit<SqliteCommand, 'path'> = { write: false, httpPort: undefined, maxRows: undefined, maxBytes: undefined, timeoutMs: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--help':
      case '-h':
        return undefined;
      case '--write':
        command.write = true;
        break;
      case '--http':
        command.httpPort = integer('--http', argv[++i], 0, 65535);
        break;
      case '--max-rows':
        command.maxRows = integer('--max-rows', argv[++i], 1, 1_000_000);
        break;
      case '--max-bytes':
        command.maxBytes = integer('--max-bytes', argv[++i], 1024, 1024 ** 3);
        break;
      case '--timeout-ms':
        command.timeoutMs = integer('--timeout-ms', argv[++i], 1, 24 * 3600 * 1000);
        break;
      default:
        if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
        paths.push(arg);
    }
  }
  if (paths.length === 0) throw new UsageError('the database file is missing');
  if (paths.length > 1) throw new UsageError(`one database file expected, got ${paths.length}: ${paths.join(' ')}`);
  return { path: paths[0]!, ...command };
}
