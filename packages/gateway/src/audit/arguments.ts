/**
 * Tool arguments as the audit log keeps them: hashed, redacted or in full, per `audit.arguments` in the config.
 * @module
 */
import { hash } from 'node:crypto';
import { InvalidArgumentError } from '@mcpkit/protocol';
import { canonicalize, type JsonValue } from '@mcpkit/trust';

export type ArgumentsMode = 'hash' | 'redact' | 'full';

/** What every leaf value becomes in `redact` mode. */
export const REDACTED = '[redacted]';

/**
 * Reduces a request's arguments before they enter the audit log.
 * - `hash`: the lower-case hex SHA-256 of their RFC 8785 (JCS) form, so equal arguments can be matched without
 *   being kept;
 * - `redact`: the same structure with every leaf value replaced by `"[redacted]"` (keys and array lengths kept);
 * - `full`: as sent.
 * Absent arguments (`undefined`) stay `null` in every mode.
 * @throws InvalidArgumentError (`MCPKIT_INVALID_ARGUMENT`) for an unknown mode, or arguments JSON cannot carry.
 * @example
 * reduceArguments({ path: '/etc/passwd', lines: [1, 2] }, 'redact'); // { path: '[redacted]', lines: ['[redacted]', '[redacted]'] }
 */
export function reduceArguments(args: unknown, mode: ArgumentsMode): JsonValue {
  if (args === undefined) return null;
  switch (mode) {
    case 'hash':
      return hash('sha256', canonicalize(args), 'hex');
    case 'redact':
      return redact(args, 0);
    case 'full':
      return args as JsonValue;
    default:
      throw new InvalidArgumentError(`audit arguments mode must be 'hash', 'redact' or 'full', got ${JSON.stringify(mode)}`);
  }
}

const MAX_DEPTH = 64;

function redact(value: unknown, depth: number): JsonValue {
  if (typeof value !== 'object' || value === null) return REDACTED;
  // Deeper than any honest argument object; also keeps a cyclic value from overflowing the stack.
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, JsonValue> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined || typeof member === 'function' || typeof member === 'symbol') continue;
    out[key] = redact(member, depth + 1);
  }
  return out;
}
