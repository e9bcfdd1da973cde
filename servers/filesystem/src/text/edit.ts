/**
 * Applying `edit_file` edits: each `oldText` must match exactly one place, first exactly, then line by line
 * ignoring differences in whitespace; the replacement keeps the file's line endings and indentation.
 * @module
 */
import { FsToolError } from '../access/errors.js';

/** One replacement. */
export interface TextEdit {
  readonly oldText: string;
  readonly newText: string;
}

/** How each edit matched, for the result. */
export type MatchKind = 'exact' | 'whitespace';

/** Counts non-overlapping occurrences of `needle`, stopping at 2 (all a caller needs to know). */
function occurrences(haystack: string, needle: string): { count: number; index: number } {
  const first = haystack.indexOf(needle);
  if (first < 0) return { count: 0, index: -1 };
  return { count: haystack.indexOf(needle, first + needle.length) < 0 ? 1 : 2, index: first };
}

/** A line compared loosely: surrounding whitespace dropped, inner runs of whitespace made one space. */
function loose(line: string): string {
  return line.trim().replace(/\s+/g, ' ');
}

function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)![0];
}

/** Splits text into lines, leaving out the empty piece after a final newline. */
function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * Finds `oldText` line by line, ignoring whitespace differences, and replaces the matched lines with
 * `newText`, moving its indentation to where the match is indented.
 */
function replaceLoosely(text: string, edit: TextEdit, index: number): string {
  const lines = text.split('\n');
  const oldLines = linesOf(edit.oldText);
  const wanted = oldLines.map(loose);
  if (wanted.every((l) => l === '')) throw new FsToolError('EDIT_FAILED', `Edit ${index + 1}: oldText was not found in the file`);
  const starts: number[] = [];
  for (let i = 0; i + wanted.length <= lines.length && starts.length < 2; i++) {
    let ok = true;
    for (let j = 0; j < wanted.length && ok; j++) ok = loose(lines[i + j]!) === wanted[j];
    if (ok) starts.push(i);
  }
  if (starts.length === 0) throw new FsToolError('EDIT_FAILED', `Edit ${index + 1}: oldText was not found in the file (not even ignoring whitespace)`);
  if (starts.length > 1) {
    throw new FsToolError('EDIT_FAILED', `Edit ${index + 1}: oldText matches more than one place (ignoring whitespace); include more surrounding lines`);
  }
  const at = starts[0]!;
  const firstOld = oldLines.findIndex((l) => l.trim() !== '');
  const fromIndent = indentOf(oldLines[firstOld]!);
  const toIndent = indentOf(lines[at + firstOld]!);
  const replacement = linesOf(edit.newText).map((l) => (l.startsWith(fromIndent) && l.trim() !== '' ? toIndent + l.slice(fromIndent.length) : l));
  lines.splice(at, wanted.length, ...replacement);
  return lines.join('\n');
}

/**
 * Applies `edits` in order to `original` and returns the new text. An edit whose `oldText` matches no place,
 * or more than one, fails the whole call: nothing is half-applied.
 * @throws FsToolError `EDIT_FAILED` naming the edit (1-based) and why.
 * @example
 * applyEdits('a = 1\n', [{ oldText: 'a = 1', newText: 'a = 2' }]).text; // 'a = 2\n'
 */
export function applyEdits(original: string, edits: readonly TextEdit[]): { text: string; matches: MatchKind[] } {
  // Matching happens on LF text so an edit written with \n applies to a CRLF file; CRLF is put back after.
  // A file with mixed endings is matched as it is, so lines the edits do not touch keep their endings.
  const crlf = original.includes('\r\n') && !/(^|[^\r])\n/.test(original);
  let text = crlf ? original.replace(/\r\n/g, '\n') : original;
  const matches: MatchKind[] = [];
  edits.forEach((raw, i) => {
    const edit = { oldText: raw.oldText.replace(/\r\n/g, '\n'), newText: raw.newText.replace(/\r\n/g, '\n') };
    if (edit.oldText.length === 0) throw new FsToolError('EDIT_FAILED', `Edit ${i + 1}: oldText is empty`);
    const { count, index } = occurrences(text, edit.oldText);
    if (count > 1) throw new FsToolError('EDIT_FAILED', `Edit ${i + 1}: oldText matches more than one place; include more surrounding text`);
    if (count === 1) {
      text = text.slice(0, index) + edit.newText + text.slice(index + edit.oldText.length);
      matches.push('exact');
    } else {
      text = replaceLoosely(text, edit, i);
      matches.push('whitespace');
    }
  });
  return { text: crlf ? text.replace(/\n/g, '\r\n') : text, matches };
}
