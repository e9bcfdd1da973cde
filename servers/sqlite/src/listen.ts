/**
 * `--http PORT` from the command line: a port that cannot be had is one line on stderr and exit 2, not a stack.
 * (Each reference server has this small copy: servers import nothing but @mcpkit/server.)
 * @module
 */
import { serveHttp } from '@mcpkit/server/node';

type Served = Awaited<ReturnType<typeof serveHttp>>;

/** Why listening failed, for the failures a user can fix by choosing another port or address. */
function listenProblem(error: unknown): string | undefined {
  switch ((error as { code?: unknown } | null)?.code) {
    case 'EADDRINUSE':
      return 'the port is already in use; choose another with --http PORT (0 picks a free one)';
    case 'EACCES':
      return 'permission denied (ports below 1024 need privileges); choose another with --http PORT';
    case 'EADDRNOTAVAIL':
      return "the address is not one of this machine's";
    default:
      return undefined;
  }
}

/**
 * Serves `server` over Streamable HTTP at `host:port`. When the port is taken (or not allowed), prints one line
 * naming `host:port` and exits with status 2, the status of a bad argument.
 * @throws whatever else `serveHttp` rejects with.
 */
export async function serveHttpOrExit(program: string, server: Parameters<typeof serveHttp>[0], port: number, host: string): Promise<Served> {
  try {
    return await serveHttp(server, { port, host });
  } catch (error) {
    const problem = listenProblem(error);
    if (problem === undefined) throw error;
    const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    console.error(`${program}: cannot listen on ${address}: ${problem}`);
    process.exit(2);
  }
}
