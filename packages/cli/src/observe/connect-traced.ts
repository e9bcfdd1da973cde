/**
 * Connecting with `--trace`: the transport the CLI builds, wrapped so that every message is recorded; for a
 * URL, Streamable HTTP first and then the legacy HTTP+SSE transport, as `connectHttp` does, each one wrapped.
 * @module
 */
import { type Client, type ConnectOptions, LegacySseClientTransport, StreamableHttpClientTransport } from '@mcpkit/client';
import { HttpError, type Transport } from '@mcpkit/protocol';
import type { Negotiated } from '@mcpkit/client';
import { usageError } from '../failure.js';
import type { Io } from '../output/io.js';
import type { Target } from '../target.js';
import { TraceLog } from './trace-log.js';
import { traceTransport } from './trace-transport.js';

/** Header names whose values are credentials. */
const SECRET_HEADER = /auth|key|token|secret|cookie|session|password/i;
/** Environment variables (of a stdio server) whose values are credentials. */
const SECRET_ENV = /key|token|secret|password|passwd|auth|credential/i;

/** The values a trace must never show: credential headers (--bearer, --api-key, --header) and env values. */
export function secretsOf(target: Target): string[] {
  if (target.kind === 'stdio') return Object.entries(target.env).filter(([k]) => SECRET_ENV.test(k)).map(([, v]) => v);
  const out: string[] = [];
  for (const [name, value] of Object.entries(target.headers)) {
    if (!SECRET_HEADER.test(name)) continue;
    out.push(value);
    // "Bearer TOKEN": the token alone may show up too.
    const token = /^\S+\s+(\S+)$/.exec(value)?.[1];
    if (token) out.push(token);
  }
  return out;
}

/** The trace `--trace` and `$MCPKIT_TRACE=FILE` ask for, or undefined for none. */
export function traceFor(io: Io, target: Target, stderr: boolean): TraceLog | undefined {
  const file = io.env.MCPKIT_TRACE || undefined;
  if (!stderr && file === undefined) return undefined;
  try {
    return new TraceLog(io, { stderr, file, secrets: secretsOf(target) });
  } catch (error) {
    throw usageError(`MCPKIT_TRACE=${file}: cannot write the trace file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, 'point MCPKIT_TRACE at a file in a directory you can write to');
  }
}

/** Statuses with which a server that only speaks HTTP+SSE answers a POST (as in `connectHttp`). */
const NOT_STREAMABLE = new Set([400, 404, 405]);

/** Connects `client` to `target` over traced transports. */
export async function connectTraced(client: Client, target: Target, transport: Transport, trace: TraceLog, options: ConnectOptions): Promise<Negotiated> {
  if (target.kind !== 'http') return client.connect(traceTransport(transport, trace), options);
  const streamable = new StreamableHttpClientTransport(target.url, { headers: target.headers, authProvider: target.auth });
  try {
    return await client.connect(traceTransport(streamable, trace), options);
  } catch (error) {
    if (!(error instanceof HttpError) || !NOT_STREAMABLE.has(error.status)) throw error;
    const legacy = new LegacySseClientTransport(target.url, { headers: target.headers, authProvider: target.auth });
    try {
      return await client.connect(traceTransport(legacy, trace), options);
    } catch {
      // Not an HTTP+SSE server either: the Streamable HTTP failure says more about what went wrong.
      throw error;
    }
  }
}
