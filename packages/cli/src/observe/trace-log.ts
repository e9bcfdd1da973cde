/**
 * The `--trace` record of one connection: every JSON-RPC message with the milliseconds since the trace began
 * and, on a response, the round trip since its request; readable lines on stderr and/or JSONL in a file.
 * Secrets the user gave (Authorization, X-API-Key and other credential headers, --bearer, --api-key) are
 * replaced before anything is written.
 * @module
 */
import { appendFileSync, writeFileSync } from 'node:fs';
import type { JsonRpcMessage, RequestId } from '@mcpkit/protocol';
import type { Io } from '../output/io.js';

export type Direction = 'out' | 'in';

/** One JSONL line of a trace file. */
export interface TraceRecord {
  /** Milliseconds since the trace began. */
  t: number;
  /** `out`: mcpkit sent it; `in`: the server did. */
  dir: Direction;
  /** On a response: milliseconds since the request it answers. */
  rttMs?: number;
  message: unknown;
}

export const REDACTED = '[redacted]';
/** Stderr lines stop here; the file keeps whole messages. */
const LINE_LIMIT = 2000;

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** Where a trace goes: `stderr` for readable lines, `file` for JSONL (both may be set). */
export interface TraceOptions {
  stderr: boolean;
  file: string | undefined;
  /** Values never to write (header values, tokens, keys). */
  secrets: readonly string[];
}

/** Records the messages of one connection. */
export class TraceLog {
  readonly #io: Io;
  readonly #options: TraceOptions;
  readonly #start = performance.now();
  /** When each request in flight was seen, by direction of the request and id. */
  readonly #sent = new Map<RequestId, number>();
  readonly #received = new Map<RequestId, number>();

  constructor(io: Io, options: TraceOptions) {
    this.#io = io;
    this.#options = { ...options, secrets: options.secrets.filter((s) => s.length >= 4) };
    // A new trace replaces an old file's contents: one file, one run.
    if (options.file !== undefined) writeFileSync(options.file, '', { mode: 0o600 });
  }

  /** Records one message going `dir`. */
  record(dir: Direction, message: JsonRpcMessage | unknown): void {
    const now = performance.now();
    const m = (typeof message === 'object' && message !== null ? message : {}) as Partial<Record<'id' | 'method', unknown>>;
    const id = m.id as RequestId | undefined;
    const isRequest = typeof m.method === 'string' && id !== undefined;
    const isResponse = m.method === undefined && id !== undefined && id !== null;
    // Requests and responses are matched per direction: both sides number their own requests from the same ids.
    const mine = dir === 'out' ? this.#sent : this.#received;
    const theirs = dir === 'out' ? this.#received : this.#sent;
    let rttMs: number | undefined;
    if (isRequest) mine.set(id, now);
    else if (isResponse) {
      const at = theirs.get(id);
      if (at !== undefined) {
        rttMs = round(now - at);
        theirs.delete(id);
      }
    }
    const record: TraceRecord = { t: round(now - this.#start), dir, ...(rttMs === undefined ? {} : { rttMs }), message };
    const json = this.#redact(JSON.stringify(record));
    if (this.#options.file !== undefined) appendFileSync(this.#options.file, `${json}\n`);
    if (this.#options.stderr) this.#io.err(this.#line(record, JSON.parse(json) as TraceRecord));
  }

  /** Every secret the user gave, wherever it shows up (also inside a value the server echoes back). */
  #redact(text: string): string {
    let out = text;
    for (const secret of this.#options.secrets) out = out.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED);
    return out;
  }

  /** E.g. `trace +12.4ms → #1 tools/call {"name":"echo",...}` or `trace +15.0ms ← #1 result (2.6ms) {...}`. */
  #line(original: TraceRecord, redacted: TraceRecord): string {
    const c = this.#io.errColor;
    const m = redacted.message as { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    const arrow = original.dir === 'out' ? '→' : '←';
    const id = m.id === undefined || m.id === null ? '' : `#${String(m.id)} `;
    let what: string;
    let body: unknown;
    if (typeof m.method === 'string') {
      what = m.method;
      body = m.params;
    } else if (m.error !== undefined) {
      what = `error${original.rttMs === undefined ? '' : ` (${original.rttMs}ms)`}`;
      body = m.error;
    } else {
      what = `result${original.rttMs === undefined ? '' : ` (${original.rttMs}ms)`}`;
      body = m.result;
    }
    let text = body === undefined ? '' : ` ${JSON.stringify(body)}`;
    if (text.length > LINE_LIMIT) text = `${text.slice(0, LINE_LIMIT)}… (${text.length - LINE_LIMIT} more characters; MCPKIT_TRACE=FILE keeps all)`;
    return `${c.dim(`trace +${original.t.toFixed(1)}ms`)} ${arrow} ${id}${c.cyan(what)}${text}\n`;
  }
}
