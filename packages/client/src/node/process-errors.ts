/**
 * The errors a stdio client reports about its server process: could not start, exited, stopped listening.
 * @module
 */
import { existsSync } from 'node:fs';
import { ConnectionClosedError, ProcessExitedError } from '@mcpkit/protocol';

const STDERR_TAIL_LINES = 20;
const STDERR_EXCERPT_CHARS = 2000;
/** Write failures that mean "nobody reads the other end any more", not a fault of the message. */
const PIPE_CLOSED_CODES = new Set(['EPIPE', 'ECONNRESET', 'EOF', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Whether a stream error says the server's end of the pipe is gone. */
export function isPipeClosed(error: unknown): boolean {
  return PIPE_CLOSED_CODES.has(errorCode(error) ?? '');
}

/** The error for a message that cannot reach the server because its stdin is closed. */
export function pipeClosedError(command: string, cause?: unknown): ConnectionClosedError {
  const message = `cannot send to \`${command}\`: its stdin is closed (the process exited or closed it)`;
  return new ConnectionClosedError(message, cause === undefined ? undefined : { cause });
}

/**
 * The error for a server that could not be started, e.g. "could not start `foo`: command not found (ENOENT)".
 * Node reports a missing working directory as ENOENT too, so the directory is checked to say which it was.
 */
export function startFailedError(command: string, cwd: string | undefined, error: unknown): ProcessExitedError {
  const code = errorCode(error);
  let reason: string;
  if (code === 'ENOENT') {
    reason = cwd !== undefined && !existsSync(cwd) ? `working directory \`${cwd}\` does not exist` : 'command not found';
  } else if (code === 'EACCES') {
    reason = 'permission denied';
  } else {
    reason = error instanceof Error ? error.message : String(error);
  }
  const suffix = code === 'ENOENT' || code === 'EACCES' ? ` (${code})` : '';
  return new ProcessExitedError(`could not start \`${command}\`: ${reason}${suffix}`, { cause: error });
}

/** The error for a server that exited while the transport was open; its message ends with the last stderr lines. */
export function exitedError(command: string, code: number | null, signal: NodeJS.Signals | null, stderrTail: string): ProcessExitedError {
  const how = signal !== null ? `was killed by ${signal}` : `exited with code ${String(code)}`;
  const lines = stderrTail.trimEnd().split('\n').slice(-STDERR_TAIL_LINES).join('\n').slice(-STDERR_EXCERPT_CHARS);
  const error = new ProcessExitedError(`MCP server \`${command}\` ${how}${lines ? `; the end of its stderr:\n${lines}` : ''}`);
  error.exitCode = code;
  error.stderrTail = stderrTail;
  return error;
}
