/**
 * The command line of mcpkit-github: `[--http PORT] [--api-url URL] [--timeout SECONDS]`, parsed without side effects.
 * @module
 */

/** A command line that cannot be run; the message says why. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const DEFAULT_API_URL = 'https://api.github.com';
export const DEFAULT_TIMEOUT_SECONDS = 15;

export const USAGE = `usage: mcpkit-github [--http PORT] [--api-url URL] [--timeout SECONDS]
  Serves GitHub issues over MCP: stdio by default, or Streamable HTTP at http://127.0.0.1:PORT/mcp
  with --http (0 picks a free port).
  --api-url URL       the REST API root (default ${DEFAULT_API_URL}); for GitHub Enterprise Server,
                      https://HOST/api/v3. Plain http is accepted for a loopback host only.
  --timeout SECONDS   how long one API request may take (default ${DEFAULT_TIMEOUT_SECONDS})
  The token is read from GITHUB_TOKEN; without it, reads are anonymous and writes are refused.`;

/** A runnable command line. */
export interface GitHubCommand {
  httpPort: number | undefined;
  /** Normalized: no trailing slash, no query, no fragment. */
  apiUrl: string;
  timeoutMs: number;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Checks and normalizes an API root. Plain http would send the token in the clear, so it is refused unless the
 * host is this machine (a proxy or a test stand-in).
 * @throws UsageError for a URL that is not absolute http(s), carries credentials, a query or a fragment.
 */
export function parseApiUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--api-url needs an absolute URL, got ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`--api-url must be an https URL, got ${JSON.stringify(raw)}`);
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    throw new UsageError(`--api-url must use https (plain http only for localhost), got ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password) throw new UsageError('--api-url must not carry credentials; set GITHUB_TOKEN instead');
  if (url.search || url.hash) throw new UsageError(`--api-url must not have a query or fragment, got ${JSON.stringify(raw)}`);
  return url.href.replace(/\/+$/, '');
}

function valueOf(argv: readonly string[], i: number, name: string, what: string): string {
  const raw = argv[i];
  if (raw === undefined || raw.trim() === '') throw new UsageError(`${name} needs ${what}, got nothing`);
  return raw;
}

/**
 * Parses the arguments after the program name, or returns `'help'`.
 * @throws UsageError for an unknown argument or a bad value.
 */
export function parseArgs(argv: readonly string[]): GitHubCommand | 'help' {
  const command: GitHubCommand = { httpPort: undefined, apiUrl: DEFAULT_API_URL, timeoutMs: DEFAULT_TIMEOUT_SECONDS * 1000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--http') {
      const raw = argv[++i];
      const port = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new UsageError(`--http needs a port number from 0 to 65535, got ${raw === undefined ? 'nothing' : JSON.stringify(raw)}`);
      }
      command.httpPort = port;
    } else if (arg === '--api-url') {
      command.apiUrl = parseApiUrl(valueOf(argv, ++i, '--api-url', 'a URL'));
    } else if (arg === '--timeout') {
      const raw = valueOf(argv, ++i, '--timeout', 'a number of seconds');
      const seconds = Number(raw);
      if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 300) {
        throw new UsageError(`--timeout needs a number of seconds above 0 and at most 300, got ${JSON.stringify(raw)}`);
      }
      command.timeoutMs = Math.round(seconds * 1000);
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return command;
}
