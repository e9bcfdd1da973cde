/**
 * The command line of `mcpkit-filesystem`: `[--http PORT] [DIR...]`.
 * @module
 */

/** What the command line asks for. */
export type Invocation =
  | { readonly kind: 'help' }
  | { readonly kind: 'serve'; readonly directories: string[]; readonly httpPort: number | undefined }
  | { readonly kind: 'usage-error'; readonly message: string };

/** The usage text shown by `--help` and after a usage error. */
export const USAGE = `usage: mcpkit-filesystem [--http PORT] [DIR...]

Serves the files in each DIR over MCP: stdio by default, or Streamable HTTP at
http://127.0.0.1:PORT/mcp with --http (PORT 0 picks a free port; the URL is printed).
Without DIR, the client's roots (file:// URIs) decide which directories are allowed.

  --http PORT   serve Streamable HTTP on 127.0.0.1 instead of stdio
  -h, --help    show this help`;

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port <= 65535 ? port : undefined;
}

/**
 * Parses the arguments after the program name. `--` ends the options, so a directory may start with `-`.
 * @example
 * parseArguments(['--http', '0', './docs']); // { kind: 'serve', directories: ['./docs'], httpPort: 0 }
 */
export function parseArguments(argv: readonly string[]): Invocation {
  const directories: string[] = [];
  let httpPort: number | undefined;
  let options = true;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (options && arg === '--') {
      options = false;
    } else if (options && (arg === '-h' || arg === '--help')) {
      return { kind: 'help' };
    } else if (options && (arg === '--http' || arg.startsWith('--http='))) {
      const value = arg === '--http' ? argv[++i] : arg.slice('--http='.length);
      const port = parsePort(value);
      if (port === undefined) return { kind: 'usage-error', message: `--http needs a port number from 0 to 65535, got ${value === undefined ? 'nothing' : JSON.stringify(value)}` };
      if (httpPort !== undefined) return { kind: 'usage-error', message: '--http given twice' };
      httpPort = port;
    } else if (options && arg.startsWith('-') && arg !== '-') {
      return { kind: 'usage-error', message: `unknown option ${JSON.stringify(arg)}` };
    } else if (arg.length === 0) {
      return { kind: 'usage-error', message: 'a directory argument is empty' };
    } else {
      directories.push(arg);
    }
  }
  return { kind: 'serve', directories, httpPort };
}
