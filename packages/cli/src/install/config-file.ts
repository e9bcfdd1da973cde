/**
 * Adds one server entry to a host's configuration file without disturbing anything else in it: the text is
 * edited in place (other keys, formatting and JSONC comments stay as they were), checked, backed up and
 * replaced atomically.
 * @module
 */
import { mkdir, open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { type Edit, type FormattingOptions, type ParseError, applyEdits, format, modify, parse, printParseErrorCode, visit } from 'jsonc-parser';
import type { JsonObject } from '@mcpkit/protocol';
import { usageError } from '../failure.js';
import { backUp } from './backup.js';

/** How to edit: where the server map is and which dialect the host reads. */
export interface EditRules {
  key: string;
  jsonc: boolean;
  /** The host's name, for messages. */
  title: string;
}

export interface PlannedEdit {
  /** The file to write (a symlink resolved to its target, so the link survives). */
  file: string;
  existed: boolean;
  /** Whether an entry of that name was there (and is replaced, with `force`). */
  replaced: boolean;
  text: string;
}

function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `${before.split('\n').length}:${offset - (before.lastIndexOf('\n') + 1) + 1}`;
}

/** The document's own indentation and line ending, so an added entry looks like the rest of the file. */
function formatting(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1];
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  if (indent?.startsWith('\t')) return { insertSpaces: false, tabSize: 1, eol };
  return { insertSpaces: true, tabSize: indent ? indent.length : 2, eol };
}

/**
 * Sets `path` to `value`, touching only the text of the change. jsonc-parser's own formatting option would
 * re-format every line the edit touches, neighbouring entries included; here only the whitespace inside the
 * inserted text and right around it is formatted, in the document's own indentation.
 */
function setValue(text: string, path: string[], value: JsonObject): string {
  const edits = modify(text, path, value, {});
  const edit = edits[0];
  if (edits.length !== 1 || !edit) return applyEdits(text, edits);
  const placed = afterTrailingComment(text, edit, formatting(text).eol ?? '\n');
  const changed = applyEdits(text, placed);
  // Where the inserted text sits in the changed document: after any edits placed before it.
  const inserted = placed[placed.length - 1]!;
  const shift = placed.slice(0, -1).reduce((n, e) => n + e.content.length - e.length, 0);
  const range = { offset: Math.max(0, inserted.offset + shift - 1), length: inserted.content.length + 2 };
  // Never end the range between the \r and \n of a line break: the formatter would drop the \r.
  if (changed[range.offset + range.length - 1] === '\r') range.length++;
  return applyEdits(changed, format(changed, range, { ...formatting(text), keepLines: false }));
}

/** A comment that ends the line where an insertion would go: spaces, `// …` or a one-line `/* … *\/`. */
const TRAILING_COMMENT = /^[ \t]*(?:\/\/[^\r\n]*|\/\*(?:(?!\*\/)[^\r\n])*\*\/)[ \t]*(?=\r?\n)/;

/**
 * jsonc-parser adds a property right after the value before it, so a comment ending that value's line would
 * end up after the new property, describing it instead (issue 13). Such an insertion is split: the comma stays
 * after the value, and the property goes on a line of its own after the comment.
 */
function afterTrailingComment(text: string, edit: Edit, eol: string): Edit[] {
  if (edit.length !== 0 || !edit.content.startsWith(',')) return [edit];
  const comment = TRAILING_COMMENT.exec(text.slice(edit.offset));
  if (!comment) return [edit];
  return [
    { offset: edit.offset, length: 0, content: ',' },
    { offset: edit.offset + comment[0].length, length: 0, content: `${eol}${edit.content.slice(1)}` },
  ];
}

/** Every comment in a JSONC text, in order. */
function comments(text: string): string[] {
  const out: string[] = [];
  visit(text, { onComment: (offset, length) => void out.push(text.slice(offset, offset + length)) }, { disallowComments: false, allowTrailingComma: true });
  return out;
}

function parseDocument(text: string, file: string, rules: EditRules): Record<string, unknown> {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { disallowComments: !rules.jsonc, allowTrailingComma: rules.jsonc, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    const problem = printParseErrorCode(first.error);
    throw usageError(
      `${file}:${lineColumn(text, first.offset)}: cannot read the file (${problem}${rules.jsonc ? '' : `; ${rules.title} reads strict JSON`}), so mcpkit will not change it`,
      'fix the file by hand, or move it aside and run the command again',
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw usageError(`${file}: the document is not a JSON object, so mcpkit will not change it`);
  return value as Record<string, unknown>;
}

/**
 * Computes the new text of `file` with `servers[name] = entry` (nothing is written).
 * @throws CliError (exit 2) when the file cannot be parsed, already has `name` (without `force`), or the edit
 *   would lose a comment.
 */
export async function planEdit(path: string, rules: EditRules, name: string, entry: JsonObject, force: boolean): Promise<PlannedEdit> {
  let file = path;
  let original = '';
  let existed = false;
  try {
    file = await realpath(path);
    original = await readFile(file, 'utf8');
    existed = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw usageError(`cannot read ${path}: ${(error as Error).message}`);
  }
  // A byte order mark is kept out of the parser's way and put back on write.
  const bom = original.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = original.slice(bom.length);
  const base = body.trim() === '' ? '{}\n' : body;
  const document = parseDocument(base, path, rules);
  const servers = document[rules.key];
  if (servers !== undefined && (typeof servers !== 'object' || servers === null || Array.isArray(servers))) {
    throw usageError(`${path}: "${rules.key}" is not an object, so mcpkit will not change it`, 'fix the file by hand');
  }
  const replaced = servers !== undefined && Object.prototype.hasOwnProperty.call(servers, name);
  if (replaced && !force) {
    throw usageError(`${path} already has a server named ${JSON.stringify(name)}`, 'pass --force to replace it, or choose another NAME');
  }
  let text = body.trim() === '' ? `${JSON.stringify({ [rules.key]: { [name]: entry } }, null, 2)}\n` : setValue(base, [rules.key, name], entry);
  if (!text.endsWith('\n')) text += formatting(base).eol;
  // Check the result rather than trust the edit: the entry is there, and nothing else moved.
  const after = parseDocument(text, path, rules);
  const expected = { ...document, [rules.key]: { ...(servers as object | undefined), [name]: entry } };
  if (!isDeepStrictEqual(after, expected)) throw new Error(`editing ${path} produced an unexpected document; nothing was written`);
  const lost = missingComments(comments(base), comments(text));
  if (lost.length) {
    throw usageError(
      `replacing ${JSON.stringify(name)} in ${path} would drop ${lost.length === 1 ? 'a comment' : `${lost.length} comments`} inside its entry (${JSON.stringify(lost[0])})`,
      'edit that entry by hand, or move the comments out of it and run the command again',
    );
  }
  return { file, existed, replaced, text: bom + text };
}

function missingComments(before: string[], after: string[]): string[] {
  const left = new Map<string, number>();
  for (const c of after) left.set(c, (left.get(c) ?? 0) + 1);
  return before.filter((c) => {
    const n = left.get(c) ?? 0;
    if (n === 0) return true;
    left.set(c, n - 1);
    return false;
  });
}

/**
 * Writes the planned text: backs up the old file (see {@link backUp}), writes a temporary file beside it,
 * flushes it and renames it over the old one, so a crash leaves either the old file or the new one, never half
 * of one.
 * @returns the backup's path, when there was a file to back up.
 */
export async function writeEdit(plan: PlannedEdit, env: Record<string, string | undefined>): Promise<string | undefined> {
  const dir = dirname(plan.file);
  await mkdir(dir, { recursive: true });
  // Keep the old file's permissions: these files often hold tokens.
  const mode = plan.existed ? (await stat(plan.file)).mode & 0o777 : 0o644;
  const saved = plan.existed ? await backUp(plan.file, env) : undefined;
  const temp = join(dir, `.${basename(plan.file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(plan.text, 'utf8');
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, plan.file);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  return saved;
}
