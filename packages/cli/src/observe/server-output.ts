/**
 * `--verbose`: the server's own voice on stderr, each line prefixed so it cannot pass for mcpkit's: its log
 * messages (`notifications/message`) and, for a stdio server, what it writes to stderr.
 * @module
 */
import type { LoggingLevel } from '@mcpkit/protocol';
import type { Io } from '../output/io.js';

/** One `notifications/message` as a line: `[server warning] logger: text`. */
export function formatServerLog(io: Io, log: { level: LoggingLevel; data: unknown; logger?: string }): string {
  const c = io.errColor;
  const text = typeof log.data === 'string' ? log.data : JSON.stringify(log.data);
  const paint = log.level === 'debug' || log.level === 'info' || log.level === 'notice' ? c.dim : log.level === 'warning' ? c.yellow : c.red;
  return `${paint(`[server ${log.level}]`)} ${log.logger ? `${log.logger}: ` : ''}${text}\n`;
}

/**
 * Turns a stdio server's stderr chunks into whole lines with a `[server stderr]` prefix. `flush()` writes a
 * last line that had no newline.
 */
export function stderrLines(io: Io): { write(chunk: string): void; flush(): void } {
  let partial = '';
  const prefix = io.errColor.dim('[server stderr]');
  return {
    write(chunk) {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) io.err(`${prefix} ${line.replace(/\r$/, '')}\n`);
    },
    flush() {
      if (partial !== '') io.err(`${prefix} ${partial}\n`);
      partial = '';
    },
  };
}
