/**
 * The connection doctor: turns a failed connection into the real cause and a checklist, instead of a bare
 * "connection error".
 * @module
 */
import { HttpError, McpkitError, ProcessExitedError, ProtocolError } from '@mcpkit/protocol';

export type Cause =
  | 'command-not-found'
  | 'process-exited'
  | 'stdout-pollution'
  | 'port-closed'
  | 'host-not-found'
  | 'tls'
  | 'auth-required'
  | 'wrong-path'
  | 'http-status'
  | 'protocol-version'
  | 'protocol-error'
  | 'timeout'
  | 'unknown';

/** One line of the checklist: passed, failed, or not reached (`null`). */
export interface Check {
  label: string;
  ok: boolean | null;
  detail?: string | undefined;
}

export interface Diagnosis {
  cause: Cause;
  summary: string;
  hint?: string | undefined;
  checks: Check[];
  /** The last lines the stdio server wrote to stderr. */
  stderrTail?: string | undefined;
}

/** What the doctor knows besides the error. */
export interface DoctorContext {
  transport: 'stdio' | 'http' | 'sse';
  stderrTail?: string | undefined;
  /** Non-JSON stdout lines the stdio server wrote: how many and the first. */
  nonJsonLines?: { count: number; first: string } | undefined;
  /** A second opinion from the caller (the CLI's own diagnosis), preferred for the summary and hint. */
  explain?: ((error: unknown) => { message: string; hint?: string | undefined }) | undefined;
}

/** The deepest `code` (e.g. ECONNREFUSED) in an error's cause chain. */
function systemCode(error: unknown): string | undefined {
  let found: string | undefined;
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 6; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !code.startsWith('MCPKIT_')) found = code;
  }
  return found;
}

function tail(text: string | undefined, lines = 20): string | undefined {
  const t = text?.trimEnd();
  return t ? t.split('\n').slice(-lines).join('\n') : undefined;
}

interface Verdict {
  cause: Cause;
  summary: string;
  hint?: string;
  /** The label of the first failed check; the ones before it passed, the ones after were not reached. */
  failedAt: string;
}

const STDIO_STEPS = ['the command starts', 'the process keeps running', 'stdout carries only JSON-RPC', 'the MCP handshake completes'];
const HTTP_STEPS = ['the address resolves and the port is open', 'TLS', 'the server accepts the request (HTTP status)', 'the MCP handshake completes'];

function verdictOf(error: unknown, ctx: DoctorContext): Verdict {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof ProcessExitedError) {
    if (/^could not start/.test(message)) {
      return { cause: 'command-not-found', summary: message, hint: 'check that the command is installed and on PATH (it runs without a shell)', failedAt: STDIO_STEPS[0]! };
    }
    const code = error.exitCode === null ? '' : ` (exit code ${error.exitCode})`;
    return { cause: 'process-exited', summary: `the server exited${code} before the handshake finished`, hint: 'its stderr below usually says why', failedAt: STDIO_STEPS[1]! };
  }
  if (ctx.nonJsonLines && ctx.nonJsonLines.count > 0 && !(error instanceof HttpError)) {
    return {
      cause: 'stdout-pollution',
      summary: `the server wrote ${ctx.nonJsonLines.count} non-JSON line(s) to stdout (the first: ${JSON.stringify(ctx.nonJsonLines.first)})`,
      hint: 'a stdio server must write only JSON-RPC to stdout: send its logs to stderr',
      failedAt: STDIO_STEPS[2]!,
    };
  }
  if (error instanceof HttpError) {
    const sys = systemCode(error);
    if (error.status === 0) {
      if (sys === 'ECONNREFUSED') return { cause: 'port-closed', summary: `nothing listens there (${sys})`, hint: 'start the server, or check the port', failedAt: HTTP_STEPS[0]! };
      if (sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') return { cause: 'host-not-found', summary: `the host name does not resolve (${sys})`, failedAt: HTTP_STEPS[0]! };
      if (sys && /CERT|TLS|SSL|SELF_SIGNED/i.test(sys)) return { cause: 'tls', summary: `TLS failed (${sys})`, hint: 'check the certificate, or use the server\'s http URL if it has one', failedAt: HTTP_STEPS[1]! };
      return { cause: 'port-closed', summary: `the request failed before any answer${sys ? ` (${sys})` : ''}: ${message}`, failedAt: HTTP_STEPS[0]! };
    }
    if (error.status === 401 || error.status === 403) {
      return { cause: 'auth-required', summary: `HTTP ${error.status}: the server wants credentials`, hint: 'sign in with `mcpkit login URL` (OAuth), or restart with --bearer TOKEN, --api-key KEY or --header "Authorization: ..."', failedAt: HTTP_STEPS[2]! };
    }
    if (error.status === 404 || error.status === 405) {
      return { cause: 'wrong-path', summary: `HTTP ${error.status} at this URL`, hint: 'check the path: MCP servers usually listen on /mcp', failedAt: HTTP_STEPS[2]! };
    }
    return { cause: 'http-status', summary: `HTTP ${error.status}: ${message}`, failedAt: HTTP_STEPS[2]! };
  }
  if (error instanceof McpkitError && error.code.startsWith('MCPKIT_AUTH_')) {
    // OAuth: a stored login that expired and could not be refreshed, a refused grant, a missing client.
    return { cause: 'auth-required', summary: `OAuth failed: ${message}`, hint: 'sign in again with `mcpkit login URL`', failedAt: HTTP_STEPS[2]! };
  }
  const last = ctx.transport === 'stdio' ? STDIO_STEPS[3]! : HTTP_STEPS[3]!;
  if (error instanceof ProtocolError) {
    if (/protocol version/i.test(message)) return { cause: 'protocol-version', summary: `the server refused the protocol version: ${message}`, hint: 'the server speaks no revision this client offers', failedAt: last };
    return { cause: 'protocol-error', summary: `the server answered the handshake with JSON-RPC error ${error.code}: ${message}`, failedAt: last };
  }
  if (error instanceof McpkitError && error.code === 'MCPKIT_TIMEOUT') {
    return { cause: 'timeout', summary: `no answer to the MCP handshake: ${message}`, hint: 'is it an MCP server? A stdio server must speak JSON-RPC on stdout', failedAt: last };
  }
  if (error instanceof McpkitError && error.code === 'MCPKIT_PROTOCOL_VIOLATION') {
    return { cause: 'protocol-error', summary: `the server broke the protocol: ${message}`, failedAt: last };
  }
  return { cause: 'unknown', summary: message, failedAt: last };
}

/** Names the real cause of a failed connection, with the checklist that led there. */
export function diagnose(error: unknown, ctx: DoctorContext): Diagnosis {
  const verdict = verdictOf(error, ctx);
  const steps = ctx.transport === 'stdio' ? STDIO_STEPS : HTTP_STEPS;
  const at = steps.indexOf(verdict.failedAt);
  const checks: Check[] = steps.map((label, i) => ({ label, ok: i < at ? true : i === at ? false : null, ...(i === at ? { detail: verdict.summary } : {}) }));
  const second = ctx.explain?.(error);
  return {
    cause: verdict.cause,
    summary: second?.message ?? verdict.summary,
    hint: second?.hint ?? verdict.hint,
    checks,
    stderrTail: tail(ctx.stderrTail),
  };
}
