/**
 * Aligned plain-text tables for list output: one item per row; on a terminal the last column wraps to its width.
 * @module
 */
import type { Palette } from './color.js';

const GAP = '  ';

/** Collapses whitespace so a description never breaks a row. */
export function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Breaks `text` into lines of at most `max` characters, at spaces where it can and inside a word where it must. */
export function wrapText(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(' ')) {
    while (word.length > max) {
      if (line) lines.push(line);
      lines.push(word.slice(0, max));
      word = word.slice(max);
      line = '';
    }
    if (!line) line = word;
    else if (line.length + 1 + word.length <= max) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * Formats rows under a header. With `width` (a terminal), the last column wraps onto indented lines so rows
 * fit; without it (a pipe), every row stays on one line.
 */
export function formatTable(header: string[], rows: string[][], options: { width?: number | undefined; color: Palette }): string {
  const columns = header.length;
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const lead = widths.slice(0, -1).reduce((sum, w) => sum + w + GAP.length, 0);
  const room = options.width === undefined || options.width <= 0 ? Infinity : Math.max(20, options.width - lead - 1);
  const line = (cells: string[], paint?: (s: string) => string): string => {
    const last = cells[columns - 1] ?? '';
    const parts = wrapText(last, room === Infinity ? Math.max(1, last.length) : room);
    const first = [...cells.slice(0, columns - 1).map((cell, i) => cell.padEnd(widths[i]!)), parts[0]!].join(GAP).trimEnd();
    const rest = parts.slice(1).map((p) => `${' '.repeat(lead)}${p}`);
    const text = [first, ...rest].join('\n');
    return paint ? paint(text) : text;
  };
  return [line(header, options.color.bold), ...rows.map((r) => line(r))].join('\n') + '\n';
}
