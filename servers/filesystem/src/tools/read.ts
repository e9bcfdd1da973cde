/**
 * Reading tools: read_text_file, read_media_file, read_multiple_files.
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import type { AllowedDirectory } from '../access/allowed.js';
import { FsToolError, toFsToolError } from '../access/errors.js';
import { resolveAllowed } from '../access/resolve.js';
import { withOpenFile } from '../io/open.js';
import { type TextRead, readHead, readTail, readWhole } from '../io/read-text.js';
import { formatSize } from '../limits.js';
import { mediaKindOf } from '../mime.js';
import { type ContentBlock, type ToolEnv, guarded, success } from './kit.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const lineCount = z.number().int().positive();

/** Reads one text file under the limits; `head` and `tail` are exclusive. */
async function readText(
  path: string,
  dirs: readonly AllowedDirectory[],
  opts: { head?: number; tail?: number; limit: number; limitName?: string },
): Promise<TextRead> {
  const target = await resolveAllowed(path, dirs);
  return withOpenFile(target, dirs, async (file) => {
    if (opts.head !== undefined) return readHead(file, opts.head, opts.limit);
    if (opts.tail !== undefined) return readTail(file, opts.tail, opts.limit);
    if (file.size > opts.limit) {
      throw new FsToolError(
        'TOO_LARGE',
        `${path}: the file is ${formatSize(file.size)}, over ${opts.limitName ?? `the ${formatSize(opts.limit)} read limit`}; read part of it with read_text_file's head or tail`,
      );
    }
    return readWhole(file, opts.limit);
  });
}

function truncationNote(path: string, limit: number): string {
  return `[truncated: ${path} was cut at the ${formatSize(limit)} read limit]`;
}

/** Registers the reading tools. */
export function registerReadTools(server: McpServer, env: ToolEnv): void {
  const { limits } = env;

  server.tool('read_text_file', {
    title: 'Read text file',
    description:
      'Reads a file as UTF-8 text. Pass `head` for only the first N lines or `tail` for only the last N (not both). ' +
      `Files over ${formatSize(limits.maxTextBytes)} must be read with head or tail. Only works within the allowed directories.`,
    inputSchema: {
      path: z.string().describe('File to read: absolute, or relative to the first allowed directory'),
      head: lineCount.optional().describe('Return only the first N lines'),
      tail: lineCount.optional().describe('Return only the last N lines'),
    },
    outputSchema: z.object({ path: z.string(), content: z.string(), truncated: z.boolean() }),
    annotations: READ_ONLY,
  }, guarded(env, 'read_text_file', async ({ path, head, tail }, { dirs }) => {
    if (head !== undefined && tail !== undefined) throw new FsToolError('INVALID_ARGUMENT', 'Pass head or tail, not both');
    const read = await readText(path, dirs, { head, tail, limit: limits.maxTextBytes });
    const content: ContentBlock[] = [{ type: 'text', text: read.text }];
    if (read.truncated) content.push({ type: 'text', text: truncationNote(path, limits.maxTextBytes) });
    return success(content, { path, content: read.text, truncated: read.truncated });
  }));

  server.tool('read_media_file', {
    title: 'Read media file',
    description:
      'Reads an image or audio file and returns it base64-encoded with its MIME type; any other file comes back as an embedded binary resource. ' +
      `Files over ${formatSize(limits.maxMediaBytes)} are refused. Only works within the allowed directories.`,
    inputSchema: { path: z.string().describe('File to read: absolute, or relative to the first allowed directory') },
    outputSchema: z.object({ path: z.string(), mimeType: z.string(), kind: z.enum(['image', 'audio', 'blob']), size: z.number() }),
    annotations: READ_ONLY,
  }, guarded(env, 'read_media_file', async ({ path }, { dirs }) => {
    const target = await resolveAllowed(path, dirs);
    const data = await withOpenFile(target, dirs, async (file) => {
      if (file.size > limits.maxMediaBytes) {
        throw new FsToolError('TOO_LARGE', `${path}: the file is ${formatSize(file.size)}, over the ${formatSize(limits.maxMediaBytes)} media limit`);
      }
      const read = Buffer.alloc(file.size);
      let got = 0;
      while (got < read.length) {
        const { bytesRead } = await file.handle.read(read, got, read.length - got, got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return read.subarray(0, got);
    });
    const { kind, mimeType } = mediaKindOf(target.absolute);
    const base64 = data.toString('base64');
    const block: ContentBlock =
      kind === 'blob'
        ? { type: 'resource', resource: { uri: pathToFileURL(target.absolute).href, mimeType, blob: base64 } }
        : { type: kind, data: base64, mimeType };
    return success([block], { path, mimeType, kind, size: data.length });
  }));

  const fileResult = z.object({ path: z.string(), content: z.string().optional(), truncated: z.boolean().optional(), error: z.string().optional() });
  server.tool('read_multiple_files', {
    title: 'Read multiple files',
    description:
      'Reads several text files in one call. A file that cannot be read gets its own error and does not fail the others. ' +
      `At most ${limits.maxFilesPerCall} paths and ${formatSize(limits.maxTotalTextBytes)} in total. Only works within the allowed directories.`,
    inputSchema: { paths: z.array(z.string()).min(1).max(limits.maxFilesPerCall).describe('Files to read') },
    outputSchema: z.object({ files: z.array(fileResult) }),
    annotations: READ_ONLY,
  }, guarded(env, 'read_multiple_files', async ({ paths }, { dirs, ctx }) => {
    let budget = limits.maxTotalTextBytes;
    const files: Array<z.infer<typeof fileResult>> = [];
    // One at a time, in order: the byte budget is shared and the order of the answer must be the request's.
    for (const path of paths) {
      if (ctx.signal.aborted) break;
      if (budget <= 0) {
        files.push({ path, error: `${path}: not read, the call's ${formatSize(limits.maxTotalTextBytes)} total limit was reached` });
        continue;
      }
      try {
        const shared = budget < limits.maxTextBytes;
        const read = await readText(path, dirs, {
          limit: shared ? budget : limits.maxTextBytes,
          limitName: shared ? `the ${formatSize(budget)} left of the call's ${formatSize(limits.maxTotalTextBytes)} total limit` : undefined,
        });
        budget -= Buffer.byteLength(read.text);
        files.push(read.truncated ? { path, content: read.text, truncated: true } : { path, content: read.text });
      } catch (error) {
        files.push({ path, error: toFsToolError(error, path).message });
      }
    }
    const text = files.map((f) => (f.error !== undefined ? `${f.path}: Error - ${f.error}` : `${f.path}:\n${f.content ?? ''}`)).join('\n---\n');
    return success(text, { files });
  }));
}
