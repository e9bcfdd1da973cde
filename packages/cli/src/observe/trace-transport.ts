/**
 * A Transport decorator for `--trace`: hands every message the client sends and receives to a {@link TraceLog}
 * and otherwise behaves exactly as the transport it wraps.
 * @module
 */
import type { JsonRpcMessage, MessageInfo, Transport, TransportSendOptions } from '@mcpkit/protocol';
import type { TraceLog } from './trace-log.js';

type Receive = (message: unknown, info?: MessageInfo) => void;

/**
 * Wraps `inner` so that `log` sees its traffic. A Proxy rather than a class: transports carry optional
 * members that the client and the CLI look for with `in` (HTTP's `era`, `protocolVersion`, `toolSchemas`,
 * `validateTool`; stdio's `stderrTail`, `onstderr`), and a wrapper must have exactly the ones `inner` has.
 */
export function traceTransport<T extends Transport>(inner: T, log: TraceLog): T {
  let receive: Receive | undefined;
  const traced: Receive = (message, info) => {
    log.record('in', message);
    receive?.(message, info);
  };
  const send = (message: JsonRpcMessage, options?: TransportSendOptions): Promise<void> => {
    log.record('out', message);
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
        target.onmessage = value === undefined ? undefined : traced;
        return true;
      }
      return Reflect.set(target, key, value, target);
    },
  });
}
