/**
 * A stderr spinner for slow connects: shown only on a terminal, and only once a connect has taken a moment.
 * @module
 */
import type { Io } from './io.js';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Fast connects (most stdio servers) should not flash a spinner. */
const SHOW_AFTER_MS = 400;
const FRAME_MS = 80;

/** Starts a spinner with `label` (after a short delay); the returned function stops and erases it. */
export function startSpinner(io: Io, label: string): () => void {
  if (!io.stderrIsTty) return () => undefined;
  let frame = 0;
  let shown = false;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const draw = (): void => {
    shown = true;
    io.err(`\r${io.errColor.cyan(FRAMES[frame++ % FRAMES.length]!)} ${label}\x1b[K`);
  };
  const delay = setTimeout(() => {
    draw();
    ticker = setInterval(draw, FRAME_MS);
    ticker.unref();
  }, SHOW_AFTER_MS);
  // Neither timer may keep the process alive on its own.
  delay.unref();
  return () => {
    clearTimeout(delay);
    clearInterval(ticker);
    if (shown) io.err('\r\x1b[K');
  };
}
