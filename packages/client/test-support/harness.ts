/**
 * Test support for the client core (not part of the public API): a Client wired in-process to a real
 * McpServer or to a hand-written fake server on a raw Peer, a recorder of what the client sent, and small
 * helpers to wait for events or to look at a promise without waiting for it.
 * @module
 */
import {
  type IncomingRequestContext,
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type Transport,
  ErrorCode,
  InMemoryTransport,
  Peer,
  ProtocolError,
} from '@mcpkit/protocol';
import type { McpServer, ServerSession } from '@mcpkit/server';
import { Client, type ClientEvents, type ClientOptions, type ConnectOptions } from '../src/index.js';

export const CLIENT_INFO = { name: 'client-under-test', version: '1.2.3' };
export const FAKE_SERVER_INFO = { name: 'fake-server', version: '0.0.1' };

const open: Array<() => Promise<unknown>> = [];

/** Closes every client and server the helpers opened; call it from `afterEach`. */
export async function closeAll(): Promise<void> {
  for (const close of open.splice(0).reverse()) await close().catch(() => undefined);
}

/** Records every message sent through `transport` (what the client put on the wire), in order. */
export function recordSends(transport: Transport): JsonRpcMessage[] {
  const sent: JsonRpcMessage[] = [];
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    sent.push(structuredClone(message));
    return send(message, options);
  };
  return sent;
}

/** The requests among `messages` with `method`. */
export function requestsFor(messages: readonly JsonRpcMessage[], method: string): JsonRpcRequest[] {
  return messages.filter((m): m is JsonRpcRequest => 'method' in m && 'id' in m && m.method === method);
}

/** A client (not yet connected) that `closeAll` will close. */
export function newClient(options: ClientOptions = {}): Client {
  const client = new Client(CLIENT_INFO, options);
  open.push(() => client.close());
  return client;
}

export interface Connected {
  client: Client;
  session: ServerSession;
  /** Everything the client sent to the server. */
  sent: JsonRpcMessage[];
}

/** Connects a new client to `server` over an in-memory pair. */
export async function connectTo(server: McpServer, options: ClientOptions = {}, connect?: ConnectOptions): Promise<Connected> {
  const [clientEnd, serverEnd] = InMemoryTransport.pair();
  const session = await server.connect(serverEnd);
  open.push(() => server.close());
  const sent = recordSends(clientEnd);
  const client = newClient(options);
  await client.connect(clientEnd, connect);
  return { client, session, sent };
}

/** Answers one request of a fake server. Throw a ProtocolError to answer with an error. */
export type FakeHandler = (params: JsonObject, request: JsonRpcRequest, ctx: IncomingRequestContext) => JsonObject | Promise<JsonObject>;

export interface FakeServer {
  readonly peer: Peer;
  /** Every request the client sent, in order. */
  readonly received: JsonRpcRequest[];
  readonly notifications: JsonRpcNotification[];
  /** The requests received for `method`. */
  calls(method: string): JsonRpcRequest[];
  /** The `params._meta` of the latest request for `method`. */
  lastMeta(method: string): JsonObject | undefined;
  notify(method: string, params?: JsonObject): Promise<void>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** A handler that never answers (a silent server). */
export const silent: FakeHandler = () => new Promise<JsonObject>(() => undefined);

/** A handler that answers with a JSON-RPC error. */
export function fails(code: number, message = 'refused', data?: unknown): FakeHandler {
  return () => {
    throw new ProtocolError(code, message, data);
  };
}

/**
 * A server on a raw Peer: `handlers` by method, anything else -32601. Returns the client's end of the pair.
 */
export async function fakeServer(handlers: Record<string, FakeHandler>): Promise<{ server: FakeServer; transport: InMemoryTransport }> {
  const [clientEnd, serverEnd] = InMemoryTransport.pair();
  const received: JsonRpcRequest[] = [];
  const notifications: JsonRpcNotification[] = [];
  const peer = new Peer(serverEnd, {
    onRequest: (request, ctx) => {
      received.push(request);
      const handler = Object.hasOwn(handlers, request.method) ? handlers[request.method] : undefined;
      if (!handler) throw new ProtocolError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
      return handler(request.params ?? {}, request, ctx);
    },
    onNotification: (n) => void notifications.push(n),
  });
  await peer.start();
  const server: FakeServer = {
    peer,
    received,
    notifications,
    calls: (method) => received.filter((r) => r.method === method),
    lastMeta: (method) => received.filter((r) => r.method === method).at(-1)?.params?._meta as JsonObject | undefined,
    notify: (method, params) => peer.notify(method, params),
    close: () => peer.close(),
    get closed() {
      return peer.closed;
    },
  };
  open.push(() => peer.close());
  return { server, transport: clientEnd };
}

/** A 2026-07-28 `server/discover` result. */
export function discoverResult(capabilities: JsonObject = {}, supportedVersions: string[] = ['2026-07-28']): JsonObject {
  return {
    resultType: 'complete',
    supportedVersions,
    capabilities,
    _meta: { 'io.modelcontextprotocol/serverInfo': FAKE_SERVER_INFO },
  };
}

/** A fake 2026-07-28 server: `server/discover` answered, plus `handlers`. */
export function modernServer(handlers: Record<string, FakeHandler> = {}, capabilities: JsonObject = {}): ReturnType<typeof fakeServer> {
  return fakeServer({ 'server/discover': () => discoverResult(capabilities), ...handlers });
}

/**
 * A fake session-era server: `server/discover` as `discover` says (default -32601), `initialize` agreeing to
 * the requested revision, plus `handlers`.
 */
export function legacyServer(
  handlers: Record<string, FakeHandler> = {},
  options: { discover?: FakeHandler; capabilities?: JsonObject } = {},
): ReturnType<typeof fakeServer> {
  return fakeServer({
    'server/discover': options.discover ?? fails(ErrorCode.MethodNotFound, 'Method not found'),
    initialize: (params) => ({ protocolVersion: params.protocolVersion as string, capabilities: options.capabilities ?? {}, serverInfo: FAKE_SERVER_INFO }),
    ping: () => ({}),
    ...handlers,
  });
}

/** Resolves with the next value of `event`. */
export function nextEvent<K extends keyof ClientEvents>(client: Client, event: K): Promise<ClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(event, (value) => {
      off();
      resolve(value);
    });
  });
}

/** Collects every value of `event` from now on. */
export function collect<K extends keyof ClientEvents>(client: Client, event: K): Array<ClientEvents[K]> {
  const values: Array<ClientEvents[K]> = [];
  client.on(event, (value) => void values.push(value));
  return values;
}

export type Peeked<T> = { state: 'pending' } | { state: 'fulfilled'; value: T } | { state: 'rejected'; reason: unknown };

/** What `promise` has settled to so far, after queued microtasks ran; never waits for time to pass. */
export async function peek<T>(promise: Promise<T>): Promise<Peeked<T>> {
  const pending = Symbol('pending');
  const tagged = promise.then(
    (value): Peeked<T> => ({ state: 'fulfilled', value }),
    (reason: unknown): Peeked<T> => ({ state: 'rejected', reason }),
  );
  for (let i = 0; i < 20; i++) await Promise.resolve();
  const first = await Promise.race([tagged, Promise.resolve(pending)]);
  return first === pending ? { state: 'pending' } : (first as Peeked<T>);
}
