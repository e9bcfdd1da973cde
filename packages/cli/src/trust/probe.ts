/**
 * Active probing of an HTTP server for missing authentication: a fresh connection WITHOUT any of the user's
 * credentials asks `tools/list` and calls a tool name that cannot exist. A server that requires authentication
 * refuses both (or the handshake) with 401/403; one that answers serves anybody who can reach it.
 * Nothing with side effects is ever called: the only `tools/call` names a random, non-existent tool.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { Client, connectHttp } from '@mcpkit/client';
import { HttpError, McpkitError, ProtocolError } from '@mcpkit/protocol';

/** What the probe learnt: `auth` in the scanner's terms (see `computeTier`), and what was asked and answered. */
export interface AuthProbe {
  auth: 'none' | 'present' | 'unknown';
  /** One line per step, e.g. `tools/list: answered with 3 tools`. */
  steps: string[];
}

/** The URL without a user name or password in it (those would be credentials). */
export function withoutUserInfo(url: string): string {
  const u = new URL(url);
  u.username = '';
  u.password = '';
  return u.href;
}

const refused = (error: unknown): number | undefined =>
  error instanceof HttpError && (error.status === 401 || error.status === 403) ? error.status : undefined;

function why(error: unknown): string {
  if (error instanceof ProtocolError) return `answered with JSON-RPC error ${error.code} (${error.message})`;
  if (error instanceof HttpError) return error.status === 0 ? `network failure: ${error.message}` : `HTTP ${error.status}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Probes `url` without credentials.
 * @example
 * const { auth } = await probeAuth('http://127.0.0.1:3000/mcp', { timeoutMs: 5000, version: '0.1.0' });
 */
export async function probeAuth(url: string, options: { timeoutMs: number; version: string }): Promise<AuthProbe> {
  const steps: string[] = [];
  const client = new Client(
    { name: 'mcpkit-scan-auth-probe', version: options.version },
    { requestTimeoutMs: options.timeoutMs, probeTimeoutMs: Math.min(10_000, Math.ceil(options.timeoutMs / 2)) },
  );
  // The client reports a failed background list through this event; the probe reads the failures it awaits instead.
  client.on('error', () => undefined);
  try {
    await connectHttp(client, withoutUserInfo(url), { headers: {}, timeoutMs: options.timeoutMs });
    steps.push('handshake without credentials: accepted');
  } catch (error) {
    const status = refused(error);
    if (status !== undefined) return { auth: 'present', steps: [`handshake without credentials: refused with HTTP ${status}`] };
    return { auth: 'unknown', steps: [`handshake without credentials: ${why(error)}`] };
  }
  try {
    let answered = false;
    let refusals = 0;
    try {
      const tools = await client.listTools();
      answered = true;
      steps.push(`tools/list without credentials: answered with ${tools.length} tool${tools.length === 1 ? '' : 's'}`);
    } catch (error) {
      if (refused(error) !== undefined) refusals++;
      steps.push(`tools/list without credentials: ${refused(error) !== undefined ? `refused with HTTP ${refused(error)}` : why(error)}`);
    }
    // A name no server defines, so the call can only be refused or answered "unknown tool": never run anything.
    const name = `mcpkit-auth-probe-${randomBytes(6).toString('hex')}`;
    try {
      await client.callTool(name, {});
      answered = true;
      steps.push(`tools/call ${name} without credentials: answered with a result`);
    } catch (error) {
      if (refused(error) !== undefined) refusals++;
      else if (error instanceof ProtocolError) answered = true;
      steps.push(`tools/call ${name} without credentials: ${refused(error) !== undefined ? `refused with HTTP ${refused(error)}` : why(error)}`);
    }
    return { auth: answered ? 'none' : refusals === 2 ? 'present' : 'unknown', steps };
  } finally {
    await client.close().catch((error: unknown) => steps.push(`closing the probe connection failed: ${error instanceof McpkitError ? error.code : String(error)}`));
  }
}
