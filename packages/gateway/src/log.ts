/**
 * Structured logs on stderr (pino), one JSON object per line.
 * @module
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

/** A logger writing JSON lines to stderr at `level`. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { name: 'mcpkit-gateway' }, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ fd: 2, sync: false }));
}

/** A logger that drops everything (tests, embedding). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
