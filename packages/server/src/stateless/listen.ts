/**
 * `subscriptions/listen` (spec 2026-07-28 basic/patterns/subscriptions): a long-lived request whose stream
 * carries the change notifications the client opted in to, each tagged with the subscription id.
 * @module
 */
import { type ClientCapabilities, type JsonObject, type JsonRpcNotification, type RequestId, copyObject, invalidParams } from '@mcpkit/protocol';
import type { ChangeListener, ServerCore } from '../core.js';
import { declaresTasks, tasksRequired } from '../tasks/methods.js';

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
export function openListen(
  core: ServerCore,
  id: RequestId,
  params: JsonObject,
  caps: ClientCapabilities,
  send: (message: JsonRpcNotification) => void,
): ListenSubscription {
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
  const taskIds = f.taskIds;
  if (taskIds !== undefined) {
    if (!Array.isArray(taskIds) || taskIds.some((t) => typeof t !== 'string')) throw invalidParams('params.notifications.taskIds', 'must be an array of strings');
    // SEP-2663: task notifications need the extension declared on this request.
    if (!declaresTasks(caps)) throw tasksRequired('notifications.taskIds');
  }
  const tasks = new Set<string>(core.hasTaskTools() ? ((taskIds as string[] | undefined) ?? []) : []);
  const serverCaps = core.capabilities();
  // The acknowledgement lists only what the server agreed to honour.
  const agreed: JsonObject = {};
  const tools = f.toolsListChanged === true && serverCaps.tools?.listChanged === true;
  const prompts = f.promptsListChanged === true && serverCaps.prompts?.listChanged === true;
  const resources = f.resourcesListChanged === true && serverCaps.resources?.listChanged === true;
  const uris = new Set<string>(serverCaps.resources?.subscribe === true ? ((subs as string[] | undefined) ?? []) : []);
  if (tools) agreed.toolsListChanged = true;
  if (prompts) agreed.promptsListChanged = true;
  if (resources) agreed.resourcesListChanged = true;
  if (subs !== undefined && serverCaps.resources?.subscribe === true) agreed.resourceSubscriptions = [...uris];
  if (taskIds !== undefined && core.hasTaskTools()) agreed.taskIds = [...tasks];
  const tag = { [META_SUBSCRIPTION_ID]: id };
  const listener: ChangeListener = {
    tools,
    prompts,
    resources,
    wantsResource: (uri) => uris.has(uri),
    wantsTask: (taskId) => tasks.has(taskId),
    send(method, p) {
      const params: JsonObject = copyObject(p); // not a spread copy: see complete() in execute.ts
      params._meta = tag;
      send({ jsonrpc: '2.0', method, params });
    },
  };
  core.listeners.add(listener);
  for (const uri of uris) core.watchResource(uri, 1);
  let open = true;
  return {
    acknowledgement: { jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: { _meta: tag, notifications: agreed } },
    finalResult: { resultType: 'complete', _meta: tag },
    close() {
      core.listeners.delete(listener);
      if (!open) return;
      open = false;
      for (const uri of uris) core.watchResource(uri, -1);
    },
  };
}
