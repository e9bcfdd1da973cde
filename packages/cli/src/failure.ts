/**
 * Exit codes and the translation of any failure into one message, one hint and one exit code.
 * @module
 */
import { McpkitError, ProtocolError } from '@mcpkit/protocol';

/** What `mcpkit` exits with; `--help` lists the same table. */
export const ExitCode = {
  Ok: 0,
  /** The tool ran and returned `isError: true` (also: mcpkit itself failed unexpectedly). */
  ToolError: 1,
  /** Bad arguments, bad JSON, an unusable configuration file, a refused install or init. */
  Usage: 2,
  /** The server could not be started or reached, exited, or did not answer in time. */
  Connect: 3,
  /** The server answered with a JSON-RPC error, or broke the protocol. */
  Protocol: 4,
  /**
   * The server asked for input (elicitation, sampling) that mcpkit could not give: stdin is not a terminal, or
   * the user declined a sampling request. The same in both eras, whatever the server made of the refusal.
   */
  NeedsInput: 5,
  /**
   * mcpkit itself failed unexpectedly (a bug), in a command whose exit code 1 means something else: `scan` (a
   * finding), `lock --check` (drift), `sign verify` (refused). Other commands exit 1 for a bug.
   */
  Internal: 70,
  /** Interrupted (Ctrl-C). */
  Interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0    success
  1    the tool returned an error result (isError)
  2    usage error: bad arguments, invalid JSON (with the position), unusable config file, refused install/init
  3    cannot connect: the command cannot start or exits, HTTP/network failure, timeout
  4    protocol error: the server answered with a JSON-RPC error (e.g. unknown tool) or broke the protocol
  5    the server asked for input (elicitation, sampling) and there was no terminal to ask on, or you declined sampling
  130  interrupted (Ctrl-C)`;

/**
 * A failure the CLI itself diagnosed. Not an McpkitError: it never leaves this process, and its contract is
 * the exit code rather than a stable string code.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: ExitCodeValue;
  /** What to do about it, printed on its own line. */
  readonly hint: string | undefined;

  constructor(exitCode: ExitCodeValue, message: string, hint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
    this.hint = hint;
  }
}

/** A usage error (exit 2). */
export function usageError(message: string, hint?: string): CliError {
  return new CliError(ExitCode.Usage, message, hint);
}

/** A failure ready to print. */
export interface Failure {
  exitCode: ExitCodeValue;
  message: string;
  hint?: string | undefined;
  /** Printed only for unexpected errors: they are bugs, and the stack is what a report needs. */
  stack?: string | undefined;
}

/** Where the failure happened, so messages can name the server and the thing asked for. */
export interface FailureContext {
  /** How the server was reached, e.g. "`node server.js`" or "http://127.0.0.1:3000/mcp". */
  target?: string | undefined;
  /** Whether the failure happened while connecting (before any request of the command's own). */
  connecting?: boolean;
  /** The command's request, e.g. "tools/call echo", for protocol errors. */
  request?: string | undefined;
  timeoutMs?: number | undefined;
  /** The stdio server's last stderr lines, when it has any. */
  stderrTail?: string | undefined;
}

const CONNECT_CODES = new Set([
  'MCPKIT_PROCESS_EXITED',
  'MCPKIT_HTTP_ERROR',
  'MCPKIT_TIMEOUT',
  'MCPKIT_CONNECTION_CLOSED',
  'MCPKIT_TRANSPORT_STATE',
  'MCPKIT_SEND_FAILED',
  'MCPKIT_SESSION_EXPIRED',
  'MCPKIT_MESSAGE_TOO_LARGE',
]);

/** JSON-RPC codes worth a hint of their own. */
function protocolHint(code: number, request: string | undefined): string | undefined {
  if (code === -32601) return 'the server does not implement this method; `mcpkit discover` shows what it offers';
  if (code === -32602 && request?.startsWith('tools/call')) return 'check the tool name and arguments: `mcpkit list tools` shows each tool and its arguments';
  if (code === -32602 && request?.startsWith('prompts/get')) return 'check the prompt name and arguments: `mcpkit list prompts` shows them';
  if ((code === -32602 || code === -32002) && request?.startsWith('resources/read')) return '`mcpkit list resources` and `mcpkit list templates` show what can be read';
  return undefined;
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split('\n').slice(-count).join('\n');
}

function connectFailure(error: McpkitError, ctx: FailureContext): Failure {
  const where = ctx.target ? ` ${ctx.target}` : '';
  const lead = ctx.connecting ? `cannot connect to${where}` : `lost the connection to${where}`;
  const code = error.code;
  if (code === 'MCPKIT_PROCESS_EXITED') {
    const notStarted = /^could not start/.test(error.message);
    const hint = notStarted
      ? 'check that the command is installed and on your PATH (mcpkit runs it directly, without a shell)'
      : 'the server stopped; its stderr above usually says why (run the command by itself to see all of it)';
    // The client's message already ends with the stderr tail for an exit.
    return { exitCode: ExitCode.Connect, message: `${lead}: ${error.message}`, hint };
  }
  if (code === 'MCPKIT_HTTP_ERROR') {
    const status = (error as McpkitError & { status?: number }).status ?? 0;
    const cause = error.cause instanceof Error ? (error.cause.cause instanceof Error ? error.cause.cause : error.cause) : undefined;
    if (status === 0) {
      const why = cause ? `: ${cause.message}` : '';
      return { exitCode: ExitCode.Connect, message: `${lead}: ${error.message}${why}`, hint: 'check the URL, and that the server is running and reachable' };
    }
    if (status === 401 || status === 403) {
      return { exitCode: ExitCode.Connect, message: `${lead}: ${error.message}`, hint: 'the server wants credentials: log in with `mcpkit login URL` (OAuth), or pass --api-key KEY (an mcpkit gateway key), --bearer TOKEN or --header "Authorization: ..."' };
    }
    if (status === 404 || status === 405) {
      return { exitCode: ExitCode.Connect, message: `${lead}: ${error.message}`, hint: 'check the URL path: MCP servers usually listen on /mcp' };
    }
    return { exitCode: ExitCode.Connect, message: `${lead}: ${error.message}` };
  }
  if (code === 'MCPKIT_TIMEOUT') {
    const tail = ctx.stderrTail ? `; the end of its stderr:\n${lastLines(ctx.stderrTail, 20)}` : '';
    const ms = ctx.timeoutMs === undefined ? '' : ` (--timeout ${ctx.timeoutMs})`;
    return {
      exitCode: ExitCode.Connect,
      message: `${ctx.connecting ? `cannot connect to${where}` : `no answer from${where}`}: ${error.message}${ms}${tail}`,
      hint: ctx.connecting ? 'is it an MCP server? A stdio server must speak JSON-RPC on stdout; raise --timeout if it is just slow to start' : 'raise --timeout if the operation is slow',
    };
  }
  // A stdio server that closed its stdin but did not exit: the stderr tail is the best account of why.
  const tail = ctx.stderrTail ? `; the end of its stderr:\n${lastLines(ctx.stderrTail, 20)}` : '';
  const hint = ctx.stderrTail ? 'the server stopped; its stderr above usually says why' : undefined;
  return { exitCode: ExitCode.Connect, message: `${lead}: ${error.message}${tail}`, hint };
}

/** Turns anything thrown into what to print and the exit code. */
export function describeFailure(error: unknown, ctx: FailureContext = {}): Failure {
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message, hint: error.hint };
  if (error instanceof ProtocolError) {
    const what = ctx.request ? ` to ${ctx.request}` : ctx.connecting ? ' while connecting' : '';
    const data = error.data === undefined ? '' : ` (data: ${JSON.stringify(error.data)})`;
    return {
      exitCode: ExitCode.Protocol,
      message: `the server answered${what} with JSON-RPC error ${error.code}: ${error.message}${data}`,
      hint: protocolHint(error.code, ctx.request),
    };
  }
  if (error instanceof McpkitError) {
    if (CONNECT_CODES.has(error.code)) return connectFailure(error, ctx);
    if (error.code === 'MCPKIT_PROTOCOL_VIOLATION') {
      const where = ctx.target ? ` ${ctx.target}` : ' the server';
      return { exitCode: ExitCode.Protocol, message: `protocol error from${where}: ${error.message}` };
    }
    if (error.code === 'MCPKIT_CONFIG_INVALID') {
      const unreadable = /: cannot read the file/.test(error.message);
      return { exitCode: ExitCode.Usage, message: error.message, hint: unreadable ? 'check the path given to --config' : 'fix the configuration file, or point --config at another one' };
    }
    if (error.code === 'MCPKIT_INVALID_ARGUMENT') return { exitCode: ExitCode.Usage, message: error.message };
    // OAuth (mcpkit login, or a stored login being refreshed): the server cannot be used until that is sorted out.
    if (error.code.startsWith('MCPKIT_AUTH_')) {
      const where = ctx.target ? ` for ${ctx.target}` : '';
      return { exitCode: ExitCode.Connect, message: `authorization${where} failed: ${error.message}`, hint: 'log in again with `mcpkit login URL`' };
    }
    if (error.code === 'MCPKIT_CANCELLED') return { exitCode: ExitCode.Interrupted, message: 'interrupted' };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    exitCode: ExitCode.ToolError,
    message: `unexpected error: ${message}`,
    hint: 'this is a bug in mcpkit: please report it with the command you ran',
    stack: error instanceof Error ? error.stack : undefined,
  };
}
