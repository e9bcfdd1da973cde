/**
 * A loopback LLM double: an HTTP server on 127.0.0.1 that speaks the Anthropic Messages and OpenAI Chat Completions
 * wire formats (streaming and not) and answers from a script, one turn per request.
 * @module
 */
import { type IncomingMessage, type ServerResponse, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RecordedRequest, ScriptedReply, ScriptedTurn } from './script.js';
import { anthropicEvents, openAiChunks } from './wire.js';

export interface LlmDoubleOptions {
  /** The replies, in order; a request after the last one gets HTTP 400 naming the problem. */
  turns: ScriptedTurn[];
  /** Pause between streamed frames, in ms. Default 0 (each frame is still written on its own). */
  frameDelayMs?: number;
}

const wait = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Starts a double; point a provider's base URL at {@link url} (Anthropic) or {@link openAiUrl}.
 * @example
 * const llm = await LlmDouble.start({ turns: [{ text: 'Hello' }] });
 * const provider = new AnthropicProvider({ baseUrl: llm.url, apiKey: 'test' });
 * await llm.close();
 */
export class LlmDouble {
  /** Every request received, in order, including refused ones. */
  readonly requests: RecordedRequest[] = [];
  readonly #turns: ScriptedTurn[];
  readonly #server: Server;
  readonly #frameDelayMs: number;
  #served = 0;
  /** Streams that hang, ended by close(). */
  readonly #open = new Set<ServerResponse>();

  private constructor(options: LlmDoubleOptions) {
    this.#turns = [...options.turns];
    this.#frameDelayMs = options.frameDelayMs ?? 0;
    this.#server = createServer((req, res) => void this.#handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `LLM double failed: ${(error as Error).message}` } }));
    }));
  }

  /** Listens on 127.0.0.1 on a free port. */
  static async start(options: LlmDoubleOptions): Promise<LlmDouble> {
    const double = new LlmDouble(options);
    await new Promise<void>((resolve, reject) => {
      double.#server.once('error', reject);
      double.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return double;
  }

  /** `http://127.0.0.1:PORT`: the Anthropic base URL (`/v1/messages`); `/v1/chat/completions` is served too. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** `http://127.0.0.1:PORT/v1`, the OpenAI-style base URL. */
  get openAiUrl(): string {
    return `${this.url}/v1`;
  }

  /** Turns not yet played. */
  get remaining(): number {
    return this.#turns.length - this.#served;
  }

  /** Adds turns to the end of the script. */
  push(...turns: ScriptedTurn[]): void {
    this.#turns.push(...turns);
  }

  async close(): Promise<void> {
    for (const res of this.#open) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const api = /\/messages$/.test(path) ? 'anthropic' : /\/chat\/completions$/.test(path) ? 'openai' : undefined;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !api) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `LLM double: nothing at ${req.method} ${path}` } }));
      return;
    }
    let body: Record<string, any>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, any>;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'LLM double: the body is not JSON' } }));
      return;
    }
    const request: RecordedRequest = { api, path, headers: req.headers, body };
    this.requests.push(request);
    const turn = this.#turns[this.#served];
    if (turn === undefined) {
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `LLM double: no scripted turn left (request ${this.requests.length})` } }));
      return;
    }
    const n = ++this.#served;
    const reply: ScriptedReply = typeof turn === 'function' ? turn(request) : turn;
    if (reply.status !== undefined) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (reply.retryAfter !== undefined) headers['retry-after'] = reply.retryAfter;
      const kind = reply.status === 429 ? 'rate_limit_error' : reply.status === 529 ? 'overloaded_error' : 'api_error';
      res.writeHead(reply.status, headers).end(JSON.stringify(api === 'anthropic' ? { type: 'error', error: { type: kind, message: `scripted ${reply.status}` } } : { error: { message: `scripted ${reply.status}`, type: kind } }));
      return;
    }
    const model = typeof body.model === 'string' ? body.model : 'double';
    const { frames, json } = api === 'anthropic' ? anthropicEvents(reply, model, n) : openAiChunks(reply, model, n);
    if (body.stream !== true) {
      if (json === undefined) {
        res.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    this.#open.add(res);
    res.on('close', () => this.#open.delete(res));
    for (const f of frames) {
      if (res.destroyed) return;
      // Each frame goes out in two writes split at an odd byte, so readers must join events across chunks.
      const bytes = Buffer.from(f, 'utf8');
      const cut = Math.max(1, Math.floor(bytes.length / 2) - 1);
      res.write(bytes.subarray(0, cut));
      if (this.#frameDelayMs > 0) await wait(this.#frameDelayMs);
      else await new Promise<void>((r) => setImmediate(r));
      res.write(bytes.subarray(cut));
    }
    if (reply.hang) return;
    if (reply.failAfterText) {
      if (api === 'anthropic') res.end(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } })}\n\n`);
      else res.destroy();
      return;
    }
    res.end();
  }
}
