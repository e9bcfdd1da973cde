/**
 * Where the interop suites find our servers, and a Streamable HTTP server run as a real child process.
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A command line that starts one of our servers. */
export interface ServerCommand {
  readonly command: string;
  readonly args: string[];
}

/** `scripts/bench-echo-server stdio`: one tool, `echo {text}`. */
export const ECHO_STDIO: ServerCommand = { command: `${ROOT}scripts/bench-echo-server`, args: ['stdio'] };
/** `mcpkit-everything` over stdio: the demo server with every feature. */
export const EVERYTHING_STDIO: ServerCommand = { command: process.execPath, args: [`${ROOT}servers/everything/dist/bin.js`] };

/** The HTTP forms of the same servers; port 0 lets the OS pick, and the server announces its URL. */
export const ECHO_HTTP: ServerCommand = { command: ECHO_STDIO.command, args: ['http', '0'] };
export const EVERYTHING_HTTP: ServerCommand = { command: EVERYTHING_STDIO.command, args: [...EVERYTHING_STDIO.args, '--http', '0'] };

/** A server listening on 127.0.0.1 in a child process. */
export interface HttpServerProcess {
  /** The MCP endpoint, e.g. `http://127.0.0.1:41234/mcp`. */
  readonly url: URL;
  /** Everything the child wrote so far, for failure messages. */
  output(): string;
  /** Sends SIGTERM and resolves once the child has exited. */
  close(): Promise<void>;
}

const LISTENING = /listening on (http:\/\/\S+)/;

/**
 * Spawns `server` and resolves once it prints `listening on URL` (on stdout or stderr: our servers differ).
 * Rejects with the child's output if it exits first.
 */
export function spawnHttpServer(server: ServerCommand): Promise<HttpServerProcess> {
  const child = spawn(server.command, server.args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const exited = once(child, 'exit');
  return new Promise<HttpServerProcess>((resolve, reject) => {
    let announced = false;
    const onLine = (line: string): void => {
      lines.push(line);
      const match = announced ? null : LISTENING.exec(line);
      if (!match?.[1]) return;
      announced = true;
      resolve({ url: new URL(match[1]), output: () => lines.join('\n'), close: () => stop(child, exited) });
    };
    // Both pipes are read to the end so the child never blocks on a full pipe.
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (!announced) reject(new Error(`${server.args.join(' ')} exited (${String(code ?? signal)}) before listening:\n${lines.join('\n')}`));
    });
  });
}

async function stop(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited;
}
