/**
 * `mcpkit inspect TARGET`: the web inspector for one server. Prints the page's URL (with its per-launch token),
 * opens it unless --no-open, and serves until stopped (SIGINT/SIGTERM).
 * @module
 */
import { spawn } from 'node:child_process';
import { type Command, InvalidArgumentError } from 'commander';
import { describeFailure, usageError } from '../failure.js';
import { warn } from '../output/io.js';
import { type CommandContext, VERSION } from '../session.js';
import { type TargetOptions, addTargetOptions, describeTarget, resolveTarget } from '../target.js';

interface InspectOptions extends TargetOptions {
  open: boolean;
  port?: number;
  host?: string;
  unsafeBind?: boolean;
  gatewayAdminKey?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError('expected a port number (0-65535)');
  return port;
}

/** Opens `url` in the default browser, without a shell; a failure only costs a warning (the URL is printed). */
function openBrowser(ctx: CommandContext, url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['explorer.exe', [url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, shell: false });
    child.on('error', () => warn(ctx.io, `could not open a browser (${command}); open the URL above yourself`));
    child.unref();
  } catch {
    warn(ctx.io, `could not open a browser (${command}); open the URL above yourself`);
  }
}

async function run(ctx: CommandContext, options: InspectOptions): Promise<void> {
  if (options.unsafeBind && options.host === undefined) throw usageError('--unsafe-bind needs --host ADDRESS', 'the inspector binds 127.0.0.1 unless told otherwise');
  const target = await resolveTarget(options, ctx.stdio);
  if (options.gatewayAdminKey !== undefined && target.kind === 'stdio') throw usageError('--gateway-admin-key needs --url (the gateway)');
  // The environment is the quieter way (a flag shows in the process list); it applies to a --url target only.
  const gatewayAdminKey = options.gatewayAdminKey ?? (target.kind === 'stdio' ? undefined : process.env.MCPKIT_GATEWAY_ADMIN_KEY || undefined);
  const label = describeTarget(target);
  const { startInspector } = await import('@mcpkit/inspector');
  let inspector;
  try {
    inspector = await startInspector({
      target,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      unsafeBind: options.unsafeBind === true,
      gatewayAdminKey,
      clientInfo: { name: 'mcpkit-inspector', version: VERSION },
      explain: (error) => describeFailure(error, { target: label, connecting: true }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw usageError(`port ${options.port} is in use`, 'pick another with --port N, or --port 0 for any free one');
    if (code === 'MCPKIT_INVALID_ARGUMENT') throw usageError((error as Error).message);
    throw error;
  }
  // The only place the token is written: the user's terminal, as the link to open.
  ctx.io.out(`mcpkit inspect: ${label}\n  open ${inspector.url}\n  (the link carries this launch's token; Ctrl-C stops the inspector)\n`);
  if (options.open) openBrowser(ctx, inspector.url);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    ctx.signal.addEventListener('abort', stop, { once: true });
  });
  await inspector.close();
}

export function inspectCommand(program: Command, ctx: CommandContext): void {
  const command = program
    .command('inspect')
    .description('open the web inspector on a server: list, call, read and get from a browser, and watch every message')
    .usage('[options] TARGET');
  addTargetOptions(command);
  command
    .option('--no-open', 'print the URL without opening a browser')
    .option('--port <n>', 'the port to listen on (default: any free one)', parsePort)
    .option('--host <address>', 'the address to bind (default 127.0.0.1; anything else needs --unsafe-bind)')
    .option('--unsafe-bind', 'allow --host to be a wildcard or non-loopback address (the token still guards the API)')
    .option('--gateway-admin-key <key>', 'an mcpkit gateway admin key, for the gateway panes (audit log, keys, quarantined tools); default: $MCPKIT_GATEWAY_ADMIN_KEY')
    .action((options: InspectOptions) => run(ctx, options));
}
