/**
 * Terminal colours, only where a person is reading: on a TTY, unless NO_COLOR says otherwise (FORCE_COLOR wins).
 * @module
 */

/** Wraps text in one SGR style; identity when colours are off. */
export type Paint = (text: string) => string;

export interface Palette {
  readonly enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  cyan: Paint;
}

/**
 * Whether to colour a stream: FORCE_COLOR (any value but `0`/`false`) turns colours on, NO_COLOR (any non-empty
 * value, https://no-color.org) turns them off, otherwise only a TTY gets them.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: Record<string, string | undefined>): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

const style = (on: boolean, open: number, close: number): Paint =>
  on ? (text) => `\x1b[${open}m${text}\x1b[${close}m` : (text) => text;

export function palette(enabled: boolean): Palette {
  return {
    enabled,
    bold: style(enabled, 1, 22),
    dim: style(enabled, 2, 22),
    red: style(enabled, 31, 39),
    green: style(enabled, 32, 39),
    yellow: style(enabled, 33, 39),
    cyan: style(enabled, 36, 39),
  };
}
