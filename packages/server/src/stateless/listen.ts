/**
 * `subscriptions/listen` (spec 2026-07-28 basic/patterns/subscriptions): a long-lived request whose stream
 * carries the change notifications the client opted in to, each tagged with the subscription id.
 * @module
 */
import { type JsonObject, type JsonRpcNotification, type RequestId, invalidParams } from '@mcpkit/protocol';
import type { ChangeListener, ServerCore } from '../core.js';

export const META_SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

export interface ListenSubscription {
  /** The `notifications/subscriptions/acknowledged` message; send it first. */
  readonly acknowledgement: JsonRpcNotification;
  /** The graceful final result, for when the server ends the subscription. */
  readonly finalResult: JsonObject;
  /** Stops delivery. Idempotent. */
  close(): void;
}

/**
 * Registers a listen subscription. `send` receives each notification (already tagged).
 * @throws ProtocolError -32602 for a malformed filter.
 */
export function openListen(core: ServerCore, id: RequestId, params: JsonObject, send: (message: JsonRpcNotification) => void): ListenSubscription {
  const filter = params.notifications;
  if (typeof filter !== 'object' || filter === null || Array.isArray(filter)) throw invalidParams('params.notifications', 'must be an object');
  const f = filter as JsonObject;
  for (const k of ['toolsListChanged', 'promptsListChanged', 'resourcesListChanged'] as const) {
    if (f[k] !== undefined && typeof f[k] !== 'boolean') throw invalidParams(`params.notifications.${k}`, 'must be a boolean');
  }
  const subs = f.resourceSubscriptions;
  if (subs !== undefined && (!Array.isArray(subs) || subs.some((u) => typeof u !== 'string'))) {
    throw invalidParams('params.notifications.resourceSubscriptions', 'must be an array of strings');
  }
  const caps = core.capabilities();
  // The acknowledgement lists only what the server agreed to honour.
  const agreed: JsonObject = {};
  const tools = f.toolsListChanged === true && caps.tools?.listChanged === true;
  const prompts = f.promptsListChanged === true && caps.prompts?.listChanged === true;
  const resources = f.resourcesListChanged === true && caps.resources?.listChanged === true;
  const uris = new Set<string>(caps.resources?.subscribe === true ? ((subs as string[] | undefined) ?? []) : []);
  if (tools) agreed.toolsListChanged = true;
  if (prompts) agreed.promptsListChanged = true;
  if (resources) agreed.resourcesListChanged = true;
  if (subs !== undefined && caps.resources?.subscribe === true) agreed.resourceSubscriptions = [...uris];
  const tag = { [META_SUBSCRIPTION_ID]: id };
  const listener: ChangeListener = {
    tools,
    prompts,
    resources,
    wantsResource: (uri) => uris.has(uri),
    send(method, p) {
      send({ jsonrpc: '2.0', method, params: { ...p, _meta: tag } });
    },
  };
  core.listeners.add(listener);
  return {
    acknowledgement: { jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: tag, notifications: agreed } },
    finalResult: { resultType: 'complete', _meta: tag },
    close() {
      core.listeners.delete(listener);
    },
  };
}
