/**
 * `mcpkit dev FILE [-- ARGS]`: runs a TypeScript or JavaScript MCP server without a build step, restarts it
 * when a file of its directory tree changes, and after each start connects to it and prints what it offers.
 * `mcpkit run FILE [-- ARGS]`: runs it once, as the stdio server itself, and exits with its exit code.
 * @module
 */
import { type Command, InvalidArgumentError } from 'commander';
import { ChangeQueue } from '../dev/changes.js';
import { devLoop } from '../dev/dev-loop.js';
import { connectHint, nodeArguments, serverFile } from '../dev/server-file.js';
import { ServerProcess, describeExit, exitStatus } from '../dev/server-process.js';
import { watchTree } from '../dev/watch.js';
import { CliError, ExitCode, usageError } from '../failure.js';
import { note } from '../output/io.js';
import { type CommandContext, type ConnectionOptions, addConnectionOptions } from '../session.js';

const DEV_HELP = `
How it runs the server:
  TypeScript files run through tsx (node --import tsx, bundled with mcpkit: no build step, no tsconfig needed);
  JavaScript files run with plain node. Everything after \`--\` is passed to the server.

What dev does:
  It watches the file's directory tree (not node_modules, dist or .git) and restarts the server when a file
  changes. After each start it connects to the server itself, as \`mcpkit list\` does, and prints one screen:
  its tools, resources and prompts, or why the connection failed. A stdio server then keeps running, connected
  to dev, until the next change (a stdio server serves one client: point your host at the command dev prints).
  With --http PORT (or \`-- --http PORT\`) the server is given --http PORT, dev connects to the URL it prints
  (else http://127.0.0.1:PORT/mcp), disconnects, and leaves it serving for your client. Its stderr (and, over
  HTTP, its stdout) shows up prefixed [server ...]. When it crashes, dev prints its exit code and the last lines
  of its stderr and waits for the next change. Ctrl-C stops the server (and what it started) and dev.

Exit codes: 2 for bad arguments (no such file, not a .ts/.js file), 130 after Ctrl-C (SIGTERM: 143, SIGHUP: 129).

Examples:
  mcpkit dev src/server.ts
  mcpkit dev --http 3000 src/server.ts
  mcpkit run src/server.ts -- --verbose
  mcpkit list -- npx mcpkit run src/server.ts`;

const RUN_HELP = `
How it runs the server:
  As dev does (tsx for TypeScript), once: stdin and stdout are the server's, so \`mcpkit run server.ts\` can itself
  be the command a host starts; its stderr passes through. Ctrl-C, SIGTERM and SIGHUP are passed on to it.
  mcpkit exits with the server's exit code (128 + the signal's number when a signal ended it), or 2 for bad
  arguments (no such file, not a .ts/.js file).`;

interface DevOptions extends Pick<ConnectionOptions, 'timeout' | 'protocol'> {
  http?: number;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return port;
}

/** The port of `--http PORT` among the server's own arguments, if there is one. */
function httpPortIn(args: string[]): number | undefined {
  const at = args.indexOf('--http');
  if (at < 0) return undefined;
  const value = args[at + 1];
  if (value === undefined || !/^\d+$/.test(value) || Number(value) > 65535) throw usageError(`--http needs a port number, got ${JSON.stringify(value ?? '')}`);
  return Number(value);
}

async function dev(ctx: CommandContext, file: string, options: DevOptions): Promise<void> {
  const { io } = ctx;
  const passed = ctx.stdio ?? [];
  if (options.http !== undefined && passed.includes('--http')) throw usageError('--http is given twice: to dev and after `--`', 'give it once');
  const serverArgs = options.http === undefined ? passed : [...passed, '--http', String(options.http)];
  const server = serverFile(file, serverArgs);
  const httpPort = httpPortIn(serverArgs);
  const changes = new ChangeQueue();
  const watcher = watchTree(server.dir, (files) => changes.push(files));
  // SIGTERM and SIGHUP stop dev as Ctrl-C does: the server must not outlive it.
  const terminated = new AbortController();
  let stoppedBy: NodeJS.Signals = 'SIGINT';
  const terminate = (signal: NodeJS.Signals): void => {
    stoppedBy = signal;
    terminated.abort();
  };
  process.on('SIGTERM', terminate);
  process.on('SIGHUP', terminate);
  const loopCtx: CommandContext = { ...ctx, signal: AbortSignal.any([ctx.signal, terminated.signal]) };
  try {
    io.out(`${io.color.bold('mcpkit dev')} ${server.path}${httpPort === undefined ? ' (stdio)' : ` (HTTP, --http ${httpPort})`}\n`);
    if (httpPort === undefined) io.out(connectHint(server, undefined));
    note(io, `watching ${server.dir} (${watcher.size} directories; node_modules, dist and .git left out); Ctrl-C to stop`);
    if (watcher.truncated) note(io, `only the first ${watcher.size} directories are watched: is ${server.dir} the project's folder?`);
    await devLoop(loopCtx, { server, httpPort, timeout: options.timeout, protocol: options.protocol, changes });
  } finally {
    watcher.close();
    process.off('SIGTERM', terminate);
    process.off('SIGHUP', terminate);
  }
  ctx.exitCode = stoppedBy === 'SIGINT' ? ExitCode.Interrupted : exitStatus({ code: null, signal: stoppedBy });
}

async function run(ctx: CommandContext, file: string): Promise<void> {
  const server = serverFile(file, ctx.stdio ?? []);
  const proc = new ServerProcess({ args: nodeArguments(server), stdio: 'relay', onStderr: (chunk) => ctx.io.err(chunk) });
  let asked: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals): void => {
    asked = signal;
    proc.forward(signal);
  };
  const onInterrupt = (): void => forward('SIGINT');
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  try {
    const exit = await proc.exited;
    if (proc.startError) throw new CliError(ExitCode.Connect, `cannot start ${process.execPath}: ${proc.startError.message}`);
    if (exit.code !== 0 && asked === undefined) ctx.io.err(`${ctx.io.errColor.red('mcpkit run:')} ${file} ${describeExit(exit)}\n`);
    ctx.exitCode = exitStatus(exit);
  } finally {
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
    ctx.signal.removeEventListener('abort', onInterrupt);
  }
}

export function devCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('dev')
    .description('run a TypeScript or JavaScript MCP server without building it, restart it on change, and show what it offers after each start')
    .usage('[options] FILE [-- SERVER_ARGS...]')
    .argument('<file>', "the server's entry file, e.g. src/server.ts")
    .option('--http <port>', 'the server serves Streamable HTTP: pass it --http PORT and connect to its URL', parsePort);
  addConnectionOptions(command, { json: false });
  command.addHelpText('after', DEV_HELP).action((file: string, options: DevOptions) => dev(ctx, file, options));

  program
    .command('run')
    .description("run a TypeScript or JavaScript MCP server once, without building it, and exit with the server's exit code")
    .usage('FILE [-- SERVER_ARGS...]')
    .argument('<file>', "the server's entry file, e.g. src/server.ts")
    .addHelpText('after', RUN_HELP)
    .action((file: string) => run(ctx, file));
}
