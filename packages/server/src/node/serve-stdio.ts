/**
 * `serveStdio()`: run a server over this process's stdin/stdout until stdin ends.
 * @module
 */
import type { McpServer } from '../server.js';
import type { ServerSession } from '../session/session.js';
import { StdioServerTransport, type StdioServerTransportOptions } from './stdio.js';

/**
 * Serves `server` over stdio. Resolves with the session once started; the process stays up until stdin ends.
 * @example
 * await serveStdio(server);
 */
export function serveStdio(server: McpServer, options?: StdioServerTransportOptions): Promise<ServerSession> {
  return server.connect(new StdioServerTransport(options));
}
