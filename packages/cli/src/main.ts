/**
 * The `mcpkit` program: splits off the stdio command after `--`, parses the rest with commander, runs the
 * command and returns the exit code (see {@link ExitCode}); never calls `process.exit` itself.
 * @module
 */
import { Command, CommanderError } from 'commander';
import { auditCommand } from './commands/audit.js';
import { callCommand } from './commands/call.js';
import { chatCommand } from './commands/chat.js';
import { devCommand } from './commands/dev.js';
import { discoverCommand } from './commands/discover.js';
import { gatewayCommand } from './commands/gateway.js';
import { getCommand } from './commands/get.js';
import { initCommand } from './commands/init.js';
import { inspectCommand } from './commands/inspect.js';
import { installCommand } from './commands/install.js';
import { listCommand } from './commands/list.js';
import { loginCommand } from './commands/login.js';
import { lockCommand } from './commands/lock.js';
import { readCommand } from './commands/read.js';
import { scanCommand } from './commands/scan.js';
import { signCommand } from './commands/sign.js';
import { testCommand } from './commands/test.js';
import { trustCommand } from './commands/trust.js';
import { EXIT_CODES_HELP, ExitCode, describeFailure } from './failure.js';
import { type Io, processIo } from './output/io.js';
import { type CommandContext, VERSION } from './session.js';

const TARGETS_HELP = `Targets (how to reach the server):
  -- COMMAND ARGS...             start a stdio server (everything after \`--\`, run without a shell)
  --url URL                      a Streamable HTTP server; add --header "K: V" (repeatable), --bearer TOKEN
  --config FILE --server NAME    an entry of a Claude Desktop, Claude Code, VS Code or Cursor config file`;

const OBSERVE_HELP = `Watching and answering the server (list, call, read, get):
  --trace                        every JSON-RPC message, both ways, on stderr: ms since start, round trip on
                                 responses; MCPKIT_TRACE=FILE writes them as JSONL; credentials are redacted
  --verbose                      the server's log messages and a stdio server's stderr, prefixed [server ...]
  --root DIR                     answer roots/list with DIR as a file:// URI (repeatable)
  progress                       call shows a bar on a terminal, lines otherwise; each update restarts --timeout
  elicitation, sampling          asked on the terminal when stdin is one; otherwise declined, and exit 5`;

/** For list, call, read and get, whose own option list already has --trace, --verbose and --root. */
const SERVER_ASKS_HELP = `While the command runs:
  progress                       call shows a bar on a terminal, lines otherwise; each update restarts --timeout
  elicitation, sampling          asked on the terminal when stdin is one; otherwise declined, and exit 5
  MCPKIT_TRACE=FILE              writes the --trace record as JSONL to FILE (one message a line)`;

const EXAMPLES = `Examples:
  mcpkit list -- node servers/everything/bin/mcpkit-everything.js
  mcpkit call echo '{"text": "hi"}' --url http://127.0.0.1:3000/mcp
  mcpkit call long_running --trace --verbose -- node servers/everything/bin/mcpkit-everything.js
  MCPKIT_TRACE=trace.jsonl mcpkit call list_roots --root . -- node servers/everything/bin/mcpkit-everything.js
  mcpkit read demo://readme --config .mcp.json --server everything
  mcpkit discover --protocol 2025-11-25 -- node server.js
  mcpkit install claude-desktop weather -- node servers/weather/bin/mcpkit-weather.js
  mcpkit init my-server
  mcpkit login https://mcp.example.com/mcp && mcpkit list --url https://mcp.example.com/mcp
  mcpkit dev src/server.ts
  mcpkit test smoke.yaml --junit results.xml -- node servers/everything/bin/mcpkit-everything.js
  mcpkit gateway --config mcp.yaml
  mcpkit audit verify --config mcp.yaml
  mcpkit scan --json --fail-on high -- node servers/everything/bin/mcpkit-everything.js
  mcpkit lock --config mcp.yaml && mcpkit lock --check --config mcp.yaml
  mcpkit trust approve files read_file --config mcp.yaml
  mcpkit sign keygen --out keys && mcpkit sign manifest --key keys/private.jwk --issuer my-server -- node server.js`;

function buildProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command('mcpkit')
    .description('Talk to any MCP server from the command line, install servers into MCP hosts, and start new ones.')
    .version(VERSION, '-V, --version')
    // Set before the commands are created: subcommands copy these settings when `.command()` makes them.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      outputError: (text, write) => write(`${io.errColor.red('mcpkit:')} ${text.replace(/^error: /, '')}`),
    })
    .showHelpAfterError('(see `mcpkit --help`, or `mcpkit COMMAND --help`)')
    .addHelpText('after', `\n${TARGETS_HELP}\n\n${OBSERVE_HELP}\n\n${EXAMPLES}\n\n${EXIT_CODES_HELP}\n`);
  listCommand(program, ctx);
  callCommand(program, ctx);
  readCommand(program, ctx);
  getCommand(program, ctx);
  discoverCommand(program, ctx);
  installCommand(program, ctx);
  initCommand(program, ctx);
  loginCommand(program, ctx);
  devCommand(program, ctx);
  testCommand(program, ctx);
  gatewayCommand(program, ctx);
  auditCommand(program, ctx);
  scanCommand(program, ctx);
  lockCommand(program, ctx);
  trustCommand(program, ctx);
  signCommand(program, ctx);
  inspectCommand(program, ctx);
  chatCommand(program, ctx);
  // The trust commands carry their own targets and exit codes in their help.
  const ownHelp = ['scan', 'lock', 'trust', 'sign', 'dev', 'run', 'test', 'chat'];
  for (const command of program.commands) {
    if (ownHelp.includes(command.name())) continue;
    const observe = ['list', 'call', 'read', 'get'].includes(command.name()) ? `${SERVER_ASKS_HELP}\n\n` : '';
    if (!['install', 'init', 'help', 'gateway', 'audit', 'login', 'logout'].includes(command.name())) command.addHelpText('after', `\n${TARGETS_HELP}\n\n${observe}${EXIT_CODES_HELP}\n`);
    else command.addHelpText('after', `\n${EXIT_CODES_HELP}\n`);
  }
  return program;
}

/** Prints a failure: the message, what to do, and for a bug its stack. */
export function reportFailure(io: Io, error: unknown): number {
  const failure = describeFailure(error);
  const c = io.errColor;
  let text = `${c.red('mcpkit:')} ${failure.message}\n`;
  if (failure.hint) text += `  ${c.dim('hint:')} ${failure.hint}\n`;
  if (failure.stack) text += `${c.dim(failure.stack)}\n`;
  io.err(text);
  return failure.exitCode;
}

/**
 * Runs the command line `argv` (without node and the script) and resolves with the exit code.
 * @example
 * process.exitCode = await main(process.argv.slice(2));
 */
export async function main(argv: string[], options: { io?: Io; signal?: AbortSignal } = {}): Promise<number> {
  const io = options.io ?? processIo();
  const split = argv.indexOf('--');
  const ctx: CommandContext = {
    io,
    stdio: split >= 0 ? argv.slice(split + 1) : undefined,
    signal: options.signal ?? new AbortController().signal,
  };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(split >= 0 ? argv.slice(0, split) : argv, { from: 'user' });
    return ctx.exitCode ?? ExitCode.Ok;
  } catch (error) {
    // Commander has printed its message already; help and version end with code 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return reportFailure(io, error);
  }
}
