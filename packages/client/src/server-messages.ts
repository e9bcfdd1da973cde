/**
 * What a server sends the client on its own: its requests (routed to the client's or a call's handlers) and
 * its notifications (list changes, resource updates, subscription acknowledgements, logs), as cache and events.
 * @module
 */
import {
  type IncomingRequestContext,
  type JsonObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  ErrorCode,
  ProtocolError,
} from '@mcpkit/protocol';
import { type ClientHandlers, fulfil } from './handlers.js';
import type { Emitter } from './events.js';
import type { ListCache } from './list-cache.js';
import type { Subscriptions } from './subscriptions.js';
import { CHANGED, EVENT_OF, type ClientEvents } from './client-types.js';

/** Answers a server's request with `handlers`, or with the one set of per-call handlers in flight. */
export async function answerServerRequest(
  request: JsonRpcRequest,
  ctx: IncomingRequestContext,
  handlers: ClientHandlers,
  calls: ReadonlySet<ClientHandlers>,
): Promise<JsonObject> {
  if (request.method === 'ping') return {};
  // A session-era ask names no request it belongs to: it goes to per-call handlers only when that is unambiguous.
  if (calls.size === 1) handlers = calls.values().next().value as ClientHandlers;
  else if (calls.size > 1) {
    throw new ProtocolError(ErrorCode.InternalError, `Cannot route ${request.method}: ${calls.size} requests with their own handlers are in flight`);
  }
  return fulfil(handlers, request.method, request.params, { signal: ctx.signal, era: 'session' });
}

/** Applies a server's notification to the list cache and subscriptions, and emits it as client events. */
export function dispatchNotification(
  n: JsonRpcNotification,
  cache: ListCache,
  events: Emitter<ClientEvents>,
  subscriptions: Subscriptions | undefined,
): void {
  const kinds = CHANGED[n.method];
  if (kinds) {
    for (const k of kinds) cache.invalidate(k);
    events.emit(EVENT_OF[n.method]!, undefined);
  } else if (n.method === 'notifications/resources/updated' && typeof n.params?.uri === 'string') {
    events.emit('resourceUpdated', { uri: n.params.uri });
  } else if (n.method === 'notifications/subscriptions/acknowledged') {
    subscriptions?.acknowledged();
  } else if (n.method === 'notifications/message' && n.params) {
    events.emit('log', n.params as ClientEvents['log']);
  }
  events.emit('notification', n);
}
