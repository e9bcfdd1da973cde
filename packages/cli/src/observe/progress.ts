/**
 * What `mcpkit call` shows of a tool's `notifications/progress`: on a terminal one bar, redrawn in place and
 * erased at the end; elsewhere one plain line per notification.
 * @module
 */
import type { Progress } from '@mcpkit/protocol';
import type { Io } from '../output/io.js';

/** Shows progress; `clear()` erases a drawn bar (before other output, and at the end). */
export interface ProgressView {
  update(progress: Progress): void;
  clear(): void;
}

const number = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/\.?0+$/, ''));

/** `3/5 (60%)`, or just `3` when the total is unknown. */
export function progressAmount(p: Progress): string {
  if (p.total === undefined || p.total <= 0) return number(p.progress);
  return `${number(p.progress)}/${number(p.total)} (${Math.round(Math.min(1, p.progress / p.total) * 100)}%)`;
}

/** The bar: `[#####---------------]` in `cells` cells; an unknown total shows no bar. */
export function progressBar(p: Progress, cells: number): string {
  if (p.total === undefined || p.total <= 0) return '';
  const filled = Math.round(Math.min(1, Math.max(0, p.progress / p.total)) * cells);
  return `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] `;
}

/** A progress view for `io`: a bar on a terminal (stderr), plain lines otherwise. */
export function progressView(io: Io): ProgressView {
  if (!io.stderrIsTty) {
    return { update: (p) => io.err(`progress ${progressAmount(p)}${p.message ? `: ${p.message}` : ''}\n`), clear: () => undefined };
  }
  let drawn = false;
  return {
    update(p) {
      const width = io.errWidth ?? 80;
      let text = `${progressBar(p, 20)}${progressAmount(p)}${p.message ? ` ${p.message}` : ''}`;
      // One line, never wrapped: a wrapped line could not be redrawn in place.
      if (text.length > width - 1) text = `${text.slice(0, Math.max(0, width - 2))}…`;
      io.err(`\r${io.errColor.cyan(text)}\x1b[K`);
      drawn = true;
    },
    clear() {
      if (drawn) io.err('\r\x1b[K');
      drawn = false;
    },
  };
}
