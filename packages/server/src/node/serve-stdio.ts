/**
 * `serveStdio()`: run a server over this process's stdin/stdout until stdin ends.
 * @module
 */
import type { McpServer } from '../server.js';
import type { ServerSession } from '../session/session.js';
import { StdioServerTransport, type StdioServerTransportOptions } from './stdio.js';

export interface ServeStdioOptions extends StdioServerTransportOptions {
  /**
   * Leave `console.log`/`info`/`debug` writing to stdout. By default they are sent to stderr while serving,
   * because one stray log line on stdout corrupts the protocol stream.
   */
  keepConsole?: boolean;
}

const redirected = ['log', 'info', 'debug'] as const;

/**
 * Serves `server` over stdio. Resolves with the session once started; the process stays up until stdin ends.
 * @example
 * await serveStdio(server);
 */
export async function serveStdio(server: McpServer, options: ServeStdioOptions = {}): Promise<ServerSession> {
  const usesStdout = options.stdout === undefined || options.stdout === process.stdout;
  const restore: Array<() => void> = [];
  if (usesStdout && !options.keepConsole) {
    for (const name of redirected) {
      const original = console[name];
      console[name] = (...args: unknown[]) => console.error(...args);
      restore.push(() => {
        console[name] = original;
      });
    }
  }
  const session = await server.connect(new StdioServerTransport(options));
  session.peer.onClose(() => {
    for (const r of restore) r();
  });
  return session;
}
