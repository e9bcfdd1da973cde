/**
 * The inspector's API routes (all behind the token): connection state, the four lists, call / read / get /
 * complete, cancellation, answers to the server's asks, and the event stream.
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { McpkitError, ProtocolError } from '@mcpkit/protocol';
import type { InspectorConnection } from './connection.js';
import type { EventHub } from './event-hub.js';
import type { GatewayAdminClient, GatewayAnswer } from './gateway-admin.js';

/** Largest JSON body the API reads. */
const MAX_BODY = 1024 * 1024;
/** Most event streams open at once (a few tabs). */
const MAX_STREAMS = 16;
const HEARTBEAT_MS = 15_000;

export class HttpProblem extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  // A JSON content type also keeps the API out of reach of HTML forms (no CORS-simple requests).
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) throw new HttpProblem(415, 'send the body as application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpProblem(413, 'the body is larger than 1 MB');
    chunks.push(chunk);
  }
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpProblem(400, 'the body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new HttpProblem(400, 'the body must be a JSON object');
  return value as Record<string, unknown>;
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw new HttpProblem(400, `"${key}" must be a non-empty string`);
  return v;
}

function stringRecord(value: unknown, key: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.values(value).every((v) => typeof v === 'string')) {
    throw new HttpProblem(400, `"${key}" must be an object of strings`);
  }
  return value as Record<string, string>;
}

/** A failed request to the MCP server, as the UI shows it: the JSON-RPC error or the local failure. */
function serverFailure(error: unknown): { error: { message: string; code?: number | string; data?: unknown } } {
  if (error instanceof ProtocolError) return { error: { message: error.message, code: error.code, data: error.data } };
  if (error instanceof McpkitError) return { error: { message: error.message, code: error.code } };
  return { error: { message: error instanceof Error ? error.message : String(error) } };
}

/**
 * Runs a request to the MCP server: `{ result }`, or `{ error }` with the JSON-RPC or local error it ended in.
 * Both are 200: the inspector did its job; a failed MCP request is something to show, not an HTTP failure.
 */
async function relay(res: ServerResponse, run: () => Promise<unknown>): Promise<void> {
  let result: unknown;
  try {
    result = await run();
  } catch (error) {
    if (error instanceof HttpProblem) throw error;
    sendJson(res, 200, serverFailure(error));
    return;
  }
  sendJson(res, 200, { result });
}

export interface ApiContext {
  connection: InspectorConnection;
  hub: EventHub;
  streams: Set<ServerResponse>;
  /** Where the authorization server sends the browser back to: the inspector's own callback route. */
  oauthRedirectUrl: string;
  /** The gateway's admin API, when an admin key was given at launch. */
  gateway?: GatewayAdminClient | undefined;
}

/** Routes `/api/gateway/*` to the gateway's admin API: its answer as `{ result }`, or its refusal as `{ error }`. */
async function handleGateway(req: IncomingMessage, res: ServerResponse, url: URL, gateway: GatewayAdminClient | undefined, route: string): Promise<void> {
  if (route === 'GET /api/gateway') return sendJson(res, 200, gateway ? { enabled: true, origin: gateway.origin } : { enabled: false });
  if (!gateway) throw new HttpProblem(404, 'no gateway admin key was given: start the inspector with --gateway-admin-key or MCPKIT_GATEWAY_ADMIN_KEY');
  let answer: GatewayAnswer;
  if (route === 'GET /api/gateway/audit') answer = await gateway.audit(url.searchParams);
  else if (route === 'GET /api/gateway/keys') answer = await gateway.keys();
  else if (route === 'GET /api/gateway/trust') answer = await gateway.trust();
  else if (route === 'POST /api/gateway/keys/revoke') answer = await gateway.revokeKey(str(await readJson(req), 'id'));
  else if (route === 'POST /api/gateway/trust/approve') {
    const body = await readJson(req);
    const item = body.item === undefined || body.item === null ? undefined : str(body, 'item');
    answer = await gateway.approve(str(body, 'server'), item);
  } else throw new HttpProblem(404, `no route ${route}`);
  if (answer.status >= 200 && answer.status < 300) return sendJson(res, 200, { result: answer.body });
  const said = (answer.body as { error?: unknown } | null)?.error;
  sendJson(res, 200, { error: { message: typeof said === 'string' ? said : `HTTP ${answer.status} from the gateway`, code: answer.status } });
}

function openStream(req: IncomingMessage, res: ServerResponse, ctx: ApiContext, after: number): void {
  if (ctx.streams.size >= MAX_STREAMS) throw new HttpProblem(429, 'too many event streams open');
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive' });
  res.write(': inspector events\n\n');
  ctx.streams.add(res);
  const unsubscribe = ctx.hub.subscribe((e) => res.write(`id: ${e.seq}\ndata: ${e.json}\n\n`), after);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const end = () => {
    clearInterval(heartbeat);
    unsubscribe();
    ctx.streams.delete(res);
  };
  req.on('close', end);
  res.on('close', end);
}

/** Routes one authenticated API request; throws HttpProblem for a client mistake. */
export async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<void> {
  const { connection } = ctx;
  const route = `${req.method ?? 'GET'} ${url.pathname}`;
  const list = /^GET \/api\/(tools|resources|templates|prompts)$/.exec(route);
  if (list) return relay(res, () => connection.list(list[1] as 'tools'));
  const ask = /^POST \/api\/asks\/([\w-]{1,64})$/.exec(route);
  if (ask) {
    const body = await readJson(req);
    if (typeof body.refuse === 'string') {
      if (!connection.asks.refuse(ask[1]!, body.refuse.slice(0, 500) || 'refused by the user')) throw new HttpProblem(404, 'no such question is waiting (answered or withdrawn)');
      return sendJson(res, 200, { ok: true });
    }
    const answer = body.answer;
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) throw new HttpProblem(400, '"answer" must be a JSON object');
    if (!connection.asks.answer(ask[1]!, answer as never)) throw new HttpProblem(404, 'no such question is waiting (answered or withdrawn)');
    return sendJson(res, 200, { ok: true });
  }
  if (url.pathname === '/api/gateway' || url.pathname.startsWith('/api/gateway/')) return handleGateway(req, res, url, ctx.gateway, route);
  const cancel = /^POST \/api\/calls\/([\w-]{1,64})\/cancel$/.exec(route);
  if (cancel) return sendJson(res, 200, { cancelled: connection.cancel(cancel[1]!) });
  switch (route) {
    case 'GET /api/state':
      return sendJson(res, 200, { state: connection.state, asks: connection.asks.list(), oauth: connection.oauthTrace ?? null });
    case 'POST /api/oauth/sign-in':
      if (connection.state.transport === 'stdio') throw new HttpProblem(409, 'OAuth sign-in is for a server given with --url');
      // The flow waits for the user in another tab: the answer is at once, the steps follow on the event stream.
      void connection.signIn(ctx.oauthRedirectUrl).catch((error: unknown) => console.error('[mcpkit inspect] sign-in failed:', error instanceof Error ? error.message : String(error)));
      return sendJson(res, 202, { started: true });
    case 'POST /api/oauth/cancel':
      return sendJson(res, 200, { cancelled: connection.cancelSignIn() });
    case 'GET /api/events': {
      const after = Number(url.searchParams.get('after') ?? req.headers['last-event-id'] ?? 0);
      return openStream(req, res, ctx, Number.isSafeInteger(after) && after > 0 ? after : 0);
    }
    case 'POST /api/connect':
      // The target is fixed at launch: this reconnects to it and takes nothing from the body.
      return sendJson(res, 200, { state: await connection.connect() });
    case 'POST /api/tools/call': {
      const body = await readJson(req);
      const callId = typeof body.callId === 'string' && /^[\w-]{1,64}$/.test(body.callId) ? body.callId : crypto.randomUUID();
      const args = body.arguments ?? {};
      if (typeof args !== 'object' || args === null || Array.isArray(args)) throw new HttpProblem(400, '"arguments" must be a JSON object');
      return relay(res, () => connection.callTool(str(body, 'name'), args, callId));
    }
    case 'POST /api/resources/read': {
      const body = await readJson(req);
      return relay(res, () => connection.readResource(str(body, 'uri')));
    }
    case 'POST /api/resources/subscribe':
    case 'POST /api/resources/unsubscribe': {
      const body = await readJson(req);
      const uri = str(body, 'uri');
      return relay(res, async () => {
        await (route.endsWith('unsubscribe') ? connection.unsubscribe(uri) : connection.subscribe(uri));
        return {};
      });
    }
    case 'POST /api/prompts/get': {
      const body = await readJson(req);
      return relay(res, () => connection.getPrompt(str(body, 'name'), stringRecord(body.arguments, 'arguments')));
    }
    case 'POST /api/complete': {
      const body = await readJson(req);
      const ref = body.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
      const argument = body.argument as { name?: unknown; value?: unknown } | undefined;
      if (typeof argument?.name !== 'string' || typeof argument.value !== 'string') throw new HttpProblem(400, '"argument" must be { name, value }');
      const arg = { name: argument.name, value: argument.value };
      const context = body.context === undefined ? undefined : stringRecord(body.context, 'context');
      if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') return relay(res, () => connection.complete({ type: 'ref/prompt', name: ref.name as string }, arg, context));
      if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') return relay(res, () => connection.complete({ type: 'ref/resource', uri: ref.uri as string }, arg, context));
      throw new HttpProblem(400, '"ref" must be { type: "ref/prompt", name } or { type: "ref/resource", uri }');
    }
    default:
      throw new HttpProblem(404, `no route ${route}`);
  }
}
