/**
 * Test harness for @mcpkit/server: drives an McpServer in-process over an in-memory transport pair, the way a
 * client would, through the public API only. Lives outside `src` so it is neither built nor published.
 * @module
 */
import {
  type ClientCapabilities,
  type JsonObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type RequestOptions,
  InMemoryTransport,
  type LazyAbortController,
  Peer,
  ProtocolError,
} from '@mcpkit/protocol';
import { McpServer, type McpServerOptions, type ServerSession } from '../src/index.js';
import type { HttpRequestLike } from '../src/http/request.js';

export const STATELESS = '2026-07-28';
export const LATEST_SESSION = '2025-11-25';
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';
export const META_PROTOCOL_VERSION = 'io.modelcontextprotocol/protocolVersion';
export const META_CLIENT_CAPABILITIES = 'io.modelcontextprotocol/clientCapabilities';
export const META_LOG_LEVEL = 'io.modelcontextprotocol/logLevel';

/** Answers a server-to-client request (elicitation/create, sampling/createMessage, roots/list). */
export type ClientRequestHandler = (request: JsonRpcRequest) => JsonObject | Promise<JsonObject>;

export interface Connection {
  readonly server: McpServer;
  readonly session: ServerSession;
  readonly client: Peer;
  /** Every notification the client received, in order. */
  readonly notifications: JsonRpcNotification[];
  /** Every request the server sent to the client, in order. */
  readonly serverRequests: JsonRpcRequest[];
  /** Notifications received with this method. */
  received(method: string): JsonRpcNotification[];
  /** Sends a request; resolves with its result. */
  request(method: string, params?: JsonObject, options?: RequestOptions): Promise<JsonObject>;
  /** Sends a request that must fail; resolves with the wire error. */
  error(method: string, params?: JsonObject): Promise<ProtocolError>;
  /** `initialize` + `notifications/initialized`; resolves with the initialize result. */
  initialize(options?: { protocolVersion?: string; capabilities?: ClientCapabilities; initialized?: boolean }): Promise<JsonObject>;
  /** Sends a stateless-era (2026-07-28) request over the same connection. */
  stateless(method: string, params?: JsonObject, meta?: StatelessMetaOptions): Promise<JsonObject>;
  /** A stateless-era request that must fail; resolves with the wire error. */
  statelessError(method: string, params?: JsonObject, meta?: StatelessMetaOptions): Promise<ProtocolError>;
  /** Lets every queued message arrive: a ping round trip plus a macrotask turn. */
  settle(): Promise<void>;
}

export interface StatelessMetaOptions {
  capabilities?: ClientCapabilities;
  logLevel?: string;
  /** Extra `_meta` members (e.g. `progressToken`). */
  extra?: JsonObject;
}

/** Builds the `_meta` a stateless-era request carries. */
export function statelessMeta(options: StatelessMetaOptions = {}): JsonObject {
  const meta: JsonObject = {
    [META_PROTOCOL_VERSION]: STATELESS,
    [META_CLIENT_CAPABILITIES]: options.capabilities ?? {},
    ...options.extra,
  };
  if (options.logLevel !== undefined) meta[META_LOG_LEVEL] = options.logLevel;
  return meta;
}

/** A fresh server whose handled errors are collected instead of printed. */
export function createServer(options: McpServerOptions = {}): { server: McpServer; reported: Array<{ error: Error; context: string }> } {
  const reported: Array<{ error: Error; context: string }> = [];
  const server = new McpServer({ name: 'test-server', version: '1.0.0' }, { onError: (error, context) => reported.push({ error, context }), ...options });
  return { server, reported };
}

/** One macrotask turn: every microtask chain queued before it has run. */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Connects a client Peer to `server` over an in-memory pair. */
export async function connect(server: McpServer, onRequest?: ClientRequestHandler): Promise<Connection> {
  const [serverEnd, clientEnd] = InMemoryTransport.pair();
  const session = await server.connect(serverEnd);
  const notifications: JsonRpcNotification[] = [];
  const serverRequests: JsonRpcRequest[] = [];
  const client = new Peer(clientEnd, {
    onNotification: (n) => notifications.push(n),
    onRequest: async (request) => {
      serverRequests.push(request);
      if (!onRequest) throw new ProtocolError(-32601, `Method not found: ${request.method}`);
      return onRequest(request);
    },
  });
  await client.start();
  const request = (method: string, params?: JsonObject, options?: RequestOptions) => client.request(method, params ?? {}, options);
  const error = async (method: string, params?: JsonObject): Promise<ProtocolError> => {
    try {
      const result = await client.request(method, params ?? {});
      throw new Error(`${method} succeeded but was expected to fail: ${JSON.stringify(result)}`);
    } catch (e) {
      if (e instanceof ProtocolError) return e;
      throw e;
    }
  };
  const withMeta = (params: JsonObject | undefined, meta: StatelessMetaOptions | undefined): JsonObject => {
    const p = params ?? {};
    return { ...p, _meta: { ...statelessMeta(meta), ...(p._meta as JsonObject | undefined) } };
  };
  return {
    server,
    session,
    client,
    notifications,
    serverRequests,
    received: (method) => notifications.filter((n) => n.method === method),
    request,
    error,
    async initialize(options = {}) {
      const result = await request('initialize', {
        protocolVersion: options.protocolVersion ?? LATEST_SESSION,
        capabilities: options.capabilities ?? {},
        clientInfo: { name: 'test-client', version: '0.0.0' },
      });
      if (options.initialized !== false) await client.notify('notifications/initialized');
      return result;
    },
    stateless: (method, params, meta) => request(method, withMeta(params, meta)),
    statelessError: (method, params, meta) => error(method, withMeta(params, meta)),
    async settle() {
      await macrotask();
      if (!client.closed) await client.request('ping', {});
      await macrotask();
    },
  };
}

/** A server plus an initialized session-era connection. */
export async function sessionWith(
  setup: (server: McpServer) => void,
  options: McpServerOptions = {},
  init: { protocolVersion?: string; capabilities?: ClientCapabilities; onRequest?: ClientRequestHandler } = {},
): Promise<Connection & { reported: Array<{ error: Error; context: string }> }> {
  const { server, reported } = createServer(options);
  setup(server);
  const conn = await connect(server, init.onRequest);
  await conn.initialize(init);
  await conn.settle();
  return Object.assign(conn, { reported });
}

/** The first text content of a tool result. */
export function textOf(result: JsonObject): string {
  const content = result.content as Array<{ type: string; text?: string }> | undefined;
  const first = content?.[0];
  if (!first || first.type !== 'text' || typeof first.text !== 'string') throw new Error(`no text content in ${JSON.stringify(result)}`);
  return first.text;
}

/** A promise with its resolver, to hold a handler at a point the test chooses. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * A 2026-07-28 `tools/call` POST as the HTTP core sees it (`createHttpCore(server).handle(...)`), with no socket;
 * `cancellation` is the caller's, so a test can watch or fire it.
 */
export function statelessToolPost<C extends LazyAbortController>(name: string, args: JsonObject, cancellation: C, capabilities: JsonObject = {}): HttpRequestLike & { cancellation: C } {
  const headers: Record<string, string> = {
    host: '127.0.0.1',
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': STATELESS,
    'mcp-method': 'tools/call',
    'mcp-name': name,
  };
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'tools/call',
    params: { name, arguments: args, _meta: { [META_PROTOCOL_VERSION]: STATELESS, [META_CLIENT_CAPABILITIES]: capabilities } },
  });
  return { method: 'POST', path: '/mcp', cancellation, header: (h) => headers[h] ?? null, headers: () => ({ ...headers }), text: async () => body };
}

