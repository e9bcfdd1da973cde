/**
 * Where the CLI writes: results on stdout, everything else (progress, warnings, errors) on stderr.
 * @module
 */
import { isatty } from 'node:tty';
import { type Palette, colorEnabled, palette } from './color.js';

export interface Io {
  /** Writes to stdout as is. */
  out(text: string): void;
  /** Writes to stderr as is. */
  err(text: string): void;
  /** Colours for stdout and for stderr, decided separately: one may be a pipe while the other is a terminal. */
  readonly color: Palette;
  readonly errColor: Palette;
  /** The terminal's width when stdout is one; tables are cut to it. */
  readonly width: number | undefined;
  readonly stderrIsTty: boolean;
  /** The terminal's width when stderr is one, for lines redrawn in place (progress). */
  readonly errWidth?: number | undefined;
  /** Whether stdin is a terminal: only then may mcpkit ask the user anything (elicitation, sampling). */
  readonly stdinIsTty?: boolean;
  readonly env: Record<string, string | undefined>;
}

/** The process's own streams. */
export function processIo(): Io {
  const { stdout, stderr, env } = process;
  return {
    out: (text) => void stdout.write(text),
    err: (text) => void stderr.write(text),
    color: palette(colorEnabled(stdout, env)),
    errColor: palette(colorEnabled(stderr, env)),
    width: stdout.isTTY ? stdout.columns : undefined,
    stderrIsTty: stderr.isTTY === true,
    errWidth: stderr.isTTY && stderr.columns > 0 ? stderr.columns : undefined,
    stdinIsTty: isatty(0),
    env,
  };
}

/** Prints a JSON document: the whole of stdout in `--json` mode. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A warning line on stderr. */
export function warn(io: Io, message: string): void {
  io.err(`${io.errColor.yellow('mcpkit: warning:')} ${message}\n`);
}

/** A note on stderr, for what a person wants to know but a pipe does not. */
export function note(io: Io, message: string): void {
  io.err(`${io.errColor.dim(message)}\n`);
}
