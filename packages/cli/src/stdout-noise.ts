/**
 * What a stdio server writes to stdout that is not an MCP message (a server logging to stdout): counted and
 * reported once, and a reason to stop connecting early when that is all it writes.
 * @module
 */
import { ErrorCode, ProtocolError } from '@mcpkit/protocol';

/**
 * Lines of noise while connecting after which mcpkit gives up: a server that logs a banner still gets through,
 * one that writes nothing else does not make the user wait for --timeout.
 */
export const NOISE_LIMIT = 100;

const ADVICE = 'MCP stdio servers must log to stderr';
/** What to do about it, for the hint line. */
export const NOISE_HINT = 'the server must write only JSON-RPC messages to stdout: send its logs to stderr (console.error in Node, print(..., file=sys.stderr) in Python)';

function lines(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Counts the stdout lines a stdio server wrote that are not MCP messages. */
export class StdoutNoise {
  #nonJson = 0;
  #notJsonRpc = 0;
  readonly #firstLine: () => string | undefined;

  /** @param firstLine the first non-JSON line, as the transport kept it. */
  constructor(firstLine: () => string | undefined) {
    this.#firstLine = firstLine;
  }

  /** Counts `error` if it reports such a line (a parse error, or JSON that is no JSON-RPC message); false otherwise. */
  record(error: Error): boolean {
    if (!(error instanceof ProtocolError)) return false;
    if (error.code === ErrorCode.ParseError) this.#nonJson++;
    else if (error.code === ErrorCode.InvalidRequest) this.#notJsonRpc++;
    else return false;
    return true;
  }

  get count(): number {
    return this.#nonJson + this.#notJsonRpc;
  }

  /**
   * E.g. `the server wrote 3 non-JSON lines to stdout (the first: "Starting up"); MCP stdio servers must log to
   * stderr`; `extra` goes before the advice.
   */
  describe(extra = ''): string {
    const parts: string[] = [];
    const first = this.#firstLine();
    if (this.#nonJson) parts.push(`${lines(this.#nonJson, 'non-JSON line')}${first === undefined ? '' : ` (the first: ${JSON.stringify(first)})`}`);
    if (this.#notJsonRpc) parts.push(`${lines(this.#notJsonRpc, 'JSON line')} that ${this.#notJsonRpc === 1 ? 'is' : 'are'} no JSON-RPC message`);
    return `the server wrote ${parts.join(' and ')} to stdout${extra}; ${ADVICE}`;
  }
}
