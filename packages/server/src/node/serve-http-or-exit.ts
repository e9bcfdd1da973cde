/**
 * `--http PORT` from a command line: a port that cannot be had is one line on stderr and exit 2, not a stack.
 * @module
 */
import type { McpServer } from '../server.js';
import { type HttpServerHandle, type ServeHttpOptions, serveHttp } from './serve-http.js';

/**
 * Why listening failed, for the failures a user can fix by choosing another port or address; undefined otherwise.
 * `portOption` names how the user picks a port (e.g. `--http PORT`).
 */
export function listenProblem(error: unknown, portOption = 'another port'): string | undefined {
  const choose = portOption === 'another port' ? 'choose another port' : `choose another with ${portOption}`;
  switch ((error as { code?: unknown } | null)?.code) {
    case 'EADDRINUSE':
      return `the port is already in use; ${choose} (0 picks a free one)`;
    case 'EACCES':
      return `permission denied (ports below 1024 need privileges); ${choose}`;
    case 'EADDRNOTAVAIL':
      return "the address is not one of this machine's";
    default:
      return undefined;
  }
}

/**
 * Serves `server` over Streamable HTTP for a command-line program. When the port is taken (or not allowed), prints
 * one line naming `host:port` and exits with status 2, the status of a bad argument.
 * @throws whatever else `serveHttp` rejects with.
 * @example
 * const { url } = await serveHttpOrExit('my-server', server, { port: 3000 });
 */
export async function serveHttpOrExit(program: string, server: McpServer, options: ServeHttpOptions = {}, portOption?: string): Promise<HttpServerHandle> {
  try {
    return await serveHttp(server, options);
  } catch (error) {
    const problem = listenProblem(error, portOption);
    if (problem === undefined) throw error;
    const host = options.host ?? '127.0.0.1';
    const address = host.includes(':') ? `[${host}]:${options.port ?? 0}` : `${host}:${options.port ?? 0}`;
    console.error(`${program}: cannot listen on ${address}: ${problem}`);
    process.exit(2);
  }
}
