/**
 * A dev server's output on mcpkit's stderr, a line at a time, each prefixed so it cannot pass for mcpkit's own.
 * @module
 */
import type { Io } from '../output/io.js';

/** Splits chunks into lines and writes each as `[server LABEL] line`; `flush()` writes a last partial line. */
export function prefixedLines(io: Io, label: string): { write(chunk: string): void; flush(): void } {
  let partial = '';
  const prefix = io.errColor.dim(`[server ${label}]`);
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
