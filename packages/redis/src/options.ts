/**
 * Options every Redis-backed piece shares.
 * @module
 */

export interface RedisKeyOptions {
  /** Starts every key and channel, so one Redis serves many deployments (and tests) apart. Default `mcpkit:`. */
  prefix?: string;
  /** A failure to report (a message on a channel that is not ours, a stored event that no longer parses). Default: stderr. */
  onError?: (error: Error, what: string) => void;
}

export const DEFAULT_PREFIX = 'mcpkit:';

export function reportTo(options: RedisKeyOptions): (error: Error, what: string) => void {
  return options.onError ?? ((error, what) => console.error(`[mcpkit] ${what}: ${error.message}`));
}
