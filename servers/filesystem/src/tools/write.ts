/**
 * Writing tools: write_file, edit_file, create_directory, move_file.
 * @module
 */
import type { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import { FsToolError } from '../access/errors.js';
import { resolveAllowed, resolveEntry } from '../access/resolve.js';
import { moveEntry } from '../io/move.js';
import { withOpenFile } from '../io/open.js';
import { readWhole } from '../io/read-text.js';
import { checkWriteTarget, createDirectories, writeFileAtomic } from '../io/write.js';
import { formatSize } from '../limits.js';
import { fenced, unifiedDiff } from '../text/diff.js';
import { applyEdits } from '../text/edit.js';
import { type ToolEnv, guarded, success } from './kit.js';

const pathArg = z.string().describe('Absolute, or relative to the first allowed directory');

/** Registers the writing tools. */
export function registerWriteTools(server: McpServer, env: ToolEnv): void {
  const { limits } = env;

  server.tool('write_file', {
    title: 'Write file',
    description:
      'Creates a file or replaces its whole content, atomically (a reader never sees half a file). The parent directory must exist. ' +
      'Refuses to write through a symbolic link. Only works within the allowed directories.',
    inputSchema: { path: pathArg, content: z.string().describe('The complete new content (UTF-8)') },
    outputSchema: z.object({ path: z.string(), bytesWritten: z.number(), created: z.boolean() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  }, guarded(env, 'write_file', async ({ path, content }, { dirs }) => {
    const size = Buffer.byteLength(content);
    if (size > limits.maxWriteBytes) throw new FsToolError('TOO_LARGE', `content is ${formatSize(size)}, over the ${formatSize(limits.maxWriteBytes)} write limit`);
    const target = await resolveAllowed(path, dirs);
    const bytesWritten = await writeFileAtomic(target, content, dirs);
    return success(`Wrote ${bytesWritten} bytes to ${path}`, { path, bytesWritten, created: !target.exists });
  }));

  const edit = z.object({
    oldText: z.string().describe('Text to find; it must match exactly one place (exactly, or else line by line ignoring whitespace)'),
    newText: z.string().describe('Text to put in its place'),
  });
  server.tool('edit_file', {
    title: 'Edit file',
    description:
      'Replaces text in a file and returns a unified diff. Each edit\'s oldText must match exactly one place: first exactly, else line by line ' +
      'ignoring whitespace differences (the new text is re-indented to fit). Edits apply in order; if any fails, nothing is written. ' +
      'With dryRun: true only the diff is returned. Only works within the allowed directories.',
    inputSchema: {
      path: pathArg,
      edits: z.array(edit).min(1).max(limits.maxEdits).describe('Replacements, applied in order'),
      dryRun: z.boolean().optional().describe('Preview the diff without writing (default false)'),
    },
    outputSchema: z.object({ path: z.string(), diff: z.string(), applied: z.boolean(), matches: z.array(z.enum(['exact', 'whitespace'])) }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
  }, guarded(env, 'edit_file', async ({ path, edits, dryRun }, { dirs }) => {
    const target = await resolveAllowed(path, dirs);
    // Refused up front, dry run or not: the real edit could never be written.
    await checkWriteTarget(target);
    const original = await withOpenFile(target, dirs, async (file) => {
      if (file.size > limits.maxTextBytes) {
        throw new FsToolError('TOO_LARGE', `${path}: the file is ${formatSize(file.size)}, over the ${formatSize(limits.maxTextBytes)} edit limit`);
      }
      return (await readWhole(file, limits.maxTextBytes)).text;
    });
    const { text, matches } = applyEdits(original, edits);
    const diff = unifiedDiff(path, original, text, limits.diffTimeoutMs);
    const write = !dryRun && text !== original;
    if (write) await writeFileAtomic(target, text, dirs);
    const note = dryRun ? 'Dry run: nothing was written.' : text === original ? 'The edits change nothing; the file was not written.' : `Edited ${path}.`;
    return success(`${fenced(diff, 'diff')}\n${note}`, { path, diff, applied: write, matches });
  }));

  server.tool('create_directory', {
    title: 'Create directory',
    description: 'Creates a directory and any missing parents. Succeeds quietly if it already exists. Only works within the allowed directories.',
    inputSchema: { path: pathArg },
    outputSchema: z.object({ path: z.string(), created: z.boolean() }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, guarded(env, 'create_directory', async ({ path }, { dirs }) => {
    const target = await resolveAllowed(path, dirs);
    const created = await createDirectories(target, dirs);
    return success(created ? `Created directory ${path}` : `Directory ${path} already exists`, { path, created });
  }));

  server.tool('move_file', {
    title: 'Move or rename',
    description:
      'Moves or renames a file or directory. Fails if the destination exists (it never overwrites). ' +
      'Both source and destination must be within the allowed directories.',
    inputSchema: { source: z.string().describe('What to move'), destination: z.string().describe('Where to; must not exist yet') },
    outputSchema: z.object({ source: z.string(), destination: z.string() }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  }, guarded(env, 'move_file', async ({ source, destination }, { dirs }) => {
    const from = await resolveEntry(source, dirs);
    const to = await resolveEntry(destination, dirs);
    await moveEntry(from, to, dirs);
    return success(`Moved ${source} to ${destination}`, { source, destination });
  }));
}
