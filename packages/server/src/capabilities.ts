/**
 * Client-capability checks before the server asks the client for something.
 * @module
 */
import { ErrorCode, MissingCapabilityError, ProtocolError } from '@mcpkit/protocol';
import type { Exchange } from './context.js';

export type ClientCapabilityName = 'elicitation' | 'sampling' | 'roots';

/**
 * Throws unless the client declared `capability` (and, for elicitation, the requested mode).
 * Stateless era: ProtocolError -32021 MissingRequiredClientCapability (spec 2026-07-28 basic/patterns/mrtr).
 * Session era, which has no such code: MissingCapabilityError, which a tool call turns into an `isError` result.
 */
export function requireCapability(x: Pick<Exchange, 'clientCapabilities' | 'era'>, capability: ClientCapabilityName, mode?: 'form' | 'url'): void {
  const caps = x.clientCapabilities;
  const declared = caps[capability];
  let ok = typeof declared === 'object' && declared !== null;
  if (ok && capability === 'elicitation') {
    const e = declared as { form?: unknown; url?: unknown };
    // An empty `elicitation: {}` means form mode only (spec 2025-11-25 client/elicitation#capabilities).
    ok = mode === 'url' ? e.url !== undefined : e.form !== undefined || e.url === undefined;
  }
  if (ok) return;
  const what = capability === 'elicitation' && mode === 'url' ? 'elicitation.url' : capability;
  if (x.era === 'session') throw new MissingCapabilityError(`Client does not support ${what}`);
  throw new ProtocolError(ErrorCode.MissingRequiredClientCapability, `Client does not support ${what}`, {
    requiredCapabilities: capability === 'elicitation' ? { elicitation: { [mode ?? 'form']: {} } } : { [capability]: {} },
  });
}
