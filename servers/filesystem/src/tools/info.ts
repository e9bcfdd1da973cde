/**
 * Information tools: get_file_info, list_allowed_directories.
 * @module
 */
import { lstat, stat } from 'node:fs/promises';
import type { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import { toFsToolError } from '../access/errors.js';
import { resolveAllowed } from '../access/resolve.js';
import { type ToolEnv, guarded, success } from './kit.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;

/** Registers the information tools. */
export function registerInfoTools(server: McpServer, env: ToolEnv): void {
  const info = z.object({
    path: z.string(),
    type: z.enum(['file', 'directory', 'other']),
    size: z.number(),
    created: z.string(),
    modified: z.string(),
    accessed: z.string(),
    permissions: z.string(),
    isSymbolicLink: z.boolean(),
  });
  server.tool('get_file_info', {
    title: 'Get file info',
    description:
      'Returns metadata of a file or directory: type, size, creation, modification and access times (ISO 8601), permission bits (octal), ' +
      'and whether the path itself is a symbolic link (its target must be within the allowed directories).',
    inputSchema: { path: z.string().describe('Absolute, or relative to the first allowed directory') },
    outputSchema: info,
    annotations: READ_ONLY,
  }, guarded(env, 'get_file_info', async ({ path }, { dirs }) => {
    const target = await resolveAllowed(path, dirs);
    const [s, l] = await Promise.all([stat(target.real), lstat(target.absolute)]).catch((error: unknown) => {
      throw toFsToolError(error, path);
    });
    const result: z.infer<typeof info> = {
      path,
      type: s.isDirectory() ? 'directory' : s.isFile() ? 'file' : 'other',
      size: s.size,
      created: s.birthtime.toISOString(),
      modified: s.mtime.toISOString(),
      accessed: s.atime.toISOString(),
      permissions: (s.mode & 0o777).toString(8).padStart(3, '0'),
      isSymbolicLink: l.isSymbolicLink(),
    };
    const text = Object.entries(result).map(([k, v]) => `${k}: ${String(v)}`).join('\n');
    return success(text, result);
  }));

  server.tool('list_allowed_directories', {
    title: 'List allowed directories',
    description:
      'Lists the directories this server may access: those it was started with, or else the client\'s roots. Every other tool only works inside them.',
    outputSchema: z.object({ directories: z.array(z.string()), source: z.enum(['arguments', 'roots']) }),
    annotations: READ_ONLY,
  }, guarded(env, 'list_allowed_directories', async (_args, { dirs, source }) => {
    const paths = dirs.map((d) => d.path);
    return success(`Allowed directories (from ${source === 'arguments' ? 'the command line' : "the client's roots"}):\n${paths.join('\n')}`, {
      directories: paths,
      source,
    });
  }));
}
