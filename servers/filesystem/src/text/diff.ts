/**
 * Unified diffs for `edit_file`, computed by jsdiff under a time bound.
 * @module
 */
import { createTwoFilesPatch } from 'diff';

/** A unified diff of `before` → `after`, labelled with `name`; a one-line summary when it takes too long. */
export function unifiedDiff(name: string, before: string, after: string, timeoutMs: number): string {
  const patch = createTwoFilesPatch(name, name, before, after, 'original', 'modified', { context: 3, timeout: timeoutMs });
  if (patch !== undefined) return patch;
  // jsdiff gives up (undefined) past the timeout; very different large files are the usual cause.
  return `--- ${name}\toriginal\n+++ ${name}\tmodified\n(the diff took longer than ${timeoutMs} ms to compute and was left out)\n`;
}

/** Wraps text in a Markdown code fence longer than any backtick run inside it, so the fence cannot close early. */
export function fenced(text: string, language: string): string {
  let longest = 0;
  for (const m of text.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}${text.endsWith('\n') ? '' : '\n'}${fence}`;
}
