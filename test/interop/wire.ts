/**
 * A read-only tap on what an official client's transport receives, so a test can tell what our server put on
 * the wire apart from what the client SDK made of it.
 * @module
 */

interface Receiving<A extends [unknown, ...unknown[]]> {
  onmessage?: ((...args: A) => void) | undefined;
}

/**
 * Records every message `transport` hands to its client, in arrival order, then passes it on unchanged.
 * Call after `client.connect(transport)`: connecting is what installs the client's `onmessage`.
 */
export function tapIncoming<A extends [unknown, ...unknown[]]>(transport: Receiving<A>): unknown[] {
  const seen: unknown[] = [];
  const inner = transport.onmessage;
  transport.onmessage = (...args: A) => {
    seen.push(args[0]);
    inner?.(...args);
  };
  return seen;
}

/** The params of a `notifications/progress` message without the token, as an SDK's `onprogress` sees them. */
export interface ProgressParams {
  progress: number;
  total?: number;
  message?: string;
}

/** What one request's progress looked like on the wire. */
export interface WireProgress {
  /** Each progress notification for the request, without its token, in arrival order. */
  readonly notifications: ProgressParams[];
  /** Whether every one of them arrived before the request's response (spec basic/utilities/progress). */
  readonly allBeforeResponse: boolean;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Extracts the progress of the request answered with `responseId` from the messages a tap recorded. */
export function progressOnWire(messages: readonly unknown[], token: string | number, responseId: string | number): WireProgress {
  const notifications: ProgressParams[] = [];
  let responseAt = -1;
  let lastProgressAt = -1;
  messages.forEach((m, i) => {
    if (!isObject(m)) return;
    if (m.method === 'notifications/progress' && isObject(m.params) && m.params.progressToken === token) {
      const { progressToken: _token, ...rest } = m.params;
      notifications.push(rest as unknown as ProgressParams);
      lastProgressAt = i;
    } else if ('id' in m && m.id === responseId && !('method' in m)) {
      responseAt = i;
    }
  });
  return { notifications, allBeforeResponse: responseAt >= 0 && lastProgressAt < responseAt };
}

/** The progress token and request id of the last `tools/call` whose response carried `text`. */
export function findToolCall(messages: readonly unknown[], text: string): { id: string | number } | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (!isObject(m) || !isObject(m.result) || !Array.isArray(m.result.content)) continue;
    const first: unknown = m.result.content[0];
    if (isObject(first) && first.text === text && (typeof m.id === 'string' || typeof m.id === 'number')) return { id: m.id };
  }
  return undefined;
}
