/**
 * Aligned plain-text tables for list output: one row per item, the last column cut to the terminal's width.
 * @module
 */
import type { Palette } from './color.js';

const GAP = '  ';

/** Collapses whitespace so a description never breaks a row. */
export function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return max <= 1 ? text.slice(0, Math.max(0, max)) : `${text.slice(0, max - 1)}…`;
}

/**
 * Formats rows under a header. With `width` (a terminal), the last column is shortened so rows do not wrap;
 * without it (a pipe), nothing is cut.
 */
export function formatTable(header: string[], rows: string[][], options: { width?: number | undefined; color: Palette }): string {
  const columns = header.length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const lead = widths.slice(0, -1).reduce((sum, w) => sum + w + GAP.length, 0);
  const room = options.width === undefined ? Infinity : Math.max(20, options.width - lead - 1);
  const line = (cells: string[], paint?: (s: string) => string): string => {
    const parts = cells.map((cell, i) => (i === columns - 1 ? cut(cell, room) : cell.padEnd(widths[i]!)));
    const text = parts.join(GAP).trimEnd();
    return paint ? paint(text) : text;
  };
  return [line(header, options.color.bold), ...rows.map((r) => line(r))].join('\n') + '\n';
}
