/**
 * A Transport decorator that publishes every JSON-RPC message, both ways, with the round-trip time of each
 * response, to the inspector's history.
 * @module
 */
import type { JsonRpcMessage, MessageInfo, Transport, TransportSendOptions } from '@mcpkit/protocol';
import type { EventHub } from './event-hub.js';

type Receive = (message: unknown, info?: MessageInfo) => void;
type Id = string | number;

/** Most requests whose start time is kept for a round trip; older ones are forgotten (bounded). */
const MAX_OPEN = 10_000;

function idOf(message: unknown): Id | undefined {
  const id = (message as { id?: unknown } | null)?.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function isRequest(message: unknown): boolean {
  return typeof (message as { method?: unknown } | null)?.method === 'string' && idOf(message) !== undefined;
}

/**
 * Wraps `inner` so that `hub` sees its traffic. A Proxy rather than a class, so that the wrapper has exactly the
 * optional members the client looks for with `in` (HTTP's `era`, `toolSchemas`; stdio's `stderrTail`).
 */
export function recordingTransport<T extends Transport>(inner: T, hub: EventHub): T {
  // Requests this side sent (answered by incoming responses) and ones it received (answered by outgoing ones).
  const sent = new Map<Id, number>();
  const received = new Map<Id, number>();
  const open = (map: Map<Id, number>, id: Id) => {
    if (map.size >= MAX_OPEN) map.delete(map.keys().next().value as Id);
    map.set(id, hub.now());
  };
  const record = (dir: 'in' | 'out', message: unknown) => {
    const id = idOf(message);
    let ms: number | undefined;
    if (id !== undefined) {
      if (isRequest(message)) open(dir === 'out' ? sent : received, id);
      else {
        const map = dir === 'in' ? sent : received;
        const start = map.get(id);
        if (start !== undefined) {
          ms = Math.round((hub.now() - start) * 10) / 10;
          map.delete(id);
        }
      }
    }
    hub.publish({ type: 'message', dir, message, ms });
  };
  let receive: Receive | undefined;
  const recorded: Receive = (message, info) => {
    record('in', message);
    receive?.(message, info);
  };
  const send = (message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> => {
    record('out', message);
    return inner.send(message, options);
  };
  return new Proxy(inner, {
    get(target, key) {
      if (key === 'send') return send;
      if (key === 'onmessage') return receive;
      const value: unknown = Reflect.get(target, key, target);
      // Methods run on the real transport, whose private fields a Proxy receiver cannot reach.
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
    set(target, key, value: unknown) {
      if (key === 'onmessage') {
        receive = value as Receive | undefined;
        target.onmessage = value === undefined ? undefined : recorded;
        return true;
      }
      return Reflect.set(target, key, value, target);
    },
  });
}
