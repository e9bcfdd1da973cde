/**
 * The error of a call to something a catalogue guard blocked or quarantined.
 * @module
 */
import { McpkitError } from '@mcpkit/protocol';

export const QUARANTINED = 'MCPKIT_QUARANTINED';

/**
 * A tool, prompt or server was blocked or quarantined by the host's catalogue guard (e.g. its definition
 * changed since it was approved); the message says why. Code `MCPKIT_QUARANTINED`.
 */
export class QuarantinedError extends McpkitError {
  static readonly errorCode = QUARANTINED;
  override name = 'QuarantinedError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(QUARANTINED, message, options);
  }
}
