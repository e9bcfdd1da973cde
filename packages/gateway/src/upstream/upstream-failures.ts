/**
 * What the gateway says no to (an upstream's requests no caller can answer) and how an upstream's failures are
 * worded for callers: short, naming the upstream, never a command line or stderr.
 * @module
 */
import type { ClientHandlers } from '@mcpkit/client';
import { ErrorCode, ProtocolError } from '@mcpkit/protocol';

/** Refuses what an upstream asks when no caller can answer (no call in flight with a relay). */
export const REFUSING: ClientHandlers = {
  elicitation: () => {
    throw new ProtocolError(ErrorCode.InvalidRequest, 'The gateway relays elicitation only during a tool call from a client that supports it');
  },
  sampling: () => {
    throw new ProtocolError(ErrorCode.InvalidRequest, 'The gateway relays sampling only during a tool call from a client that supports it');
  },
  roots: () => [],
};

/** "its process exited with code 1" from a ProcessExitedError's message, which also holds the command and stderr. */
export function exitReason(message: string): string {
  const how = /was killed by \S+|exited with code \S+/.exec(message)?.[0] ?? 'exited';
  return `its process ${how.replace(/;$/, '')}`;
}

/** The error a call gets while its upstream cannot be reached. */
export function unavailable(name: string, reason: string | undefined): ProtocolError {
  return new ProtocolError(ErrorCode.InternalError, `Upstream ${name} is unavailable${reason ? `: ${reason}` : ''}; the gateway keeps retrying`, {
    upstream: name,
    reason: 'unavailable',
  });
}
