/**
 * Listing tools: list_directory, list_directory_with_sizes, directory_tree, search_files.
 * @module
 */
import { lstat, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { McpServer } from '@mcpkit/server';
import { z } from 'zod';
import type { AllowedDirectory } from '../access/allowed.js';
import { FsToolError, toFsToolError } from '../access/errors.js';
import { type ResolvedPath, resolveAllowed } from '../access/resolve.js';
import { type DirEntry, type WalkBudget, readDirectory, walk } from '../io/walk.js';
import { formatSize } from '../limits.js';
import { compileExcludes, compileGlob } from '../text/glob.js';
import { type ContentBlock, type ToolEnv, guarded, success } from './kit.js';

const READ_ONLY = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
const entryType = z.enum(['file', 'directory', 'symlink', 'other']);
const MARK: Record<DirEntry['type'], string> = { file: '[FILE]', directory: '[DIR]', symlink: '[LINK]', other: '[FILE]' };
const excludeArg = z.array(z.string()).max(100).optional().describe('Glob patterns to leave out; a matching directory is not entered');

/** Resolves a path that must be an existing directory. */
async function resolveDirectory(path: string, dirs: readonly AllowedDirectory[]): Promise<ResolvedPath> {
  const target = await resolveAllowed(path, dirs);
  const info = await stat(target.real).catch((error: unknown) => {
    throw toFsToolError(error, path);
  });
  if (!info.isDirectory()) throw new FsToolError('WRONG_TYPE', `${path}: not a directory`);
  return target;
}

/** A node of directory_tree's answer. */
interface TreeNode {
  name: string;
  type: DirEntry['type'];
  children?: TreeNode[];
  /** Set on a directory whose children were left out (depth or entry limit). */
  truncated?: boolean;
}

const treeNode: z.ZodType<TreeNode> = z.object({
  name: z.string(),
  type: entryType,
  get children() {
    return z.array(treeNode).optional();
  },
  truncated: z.boolean().optional(),
});

/** Registers the listing tools. */
export function registerListTools(server: McpServer, env: ToolEnv): void {
  const { limits } = env;
  const cut = (n: number) => `[truncated: only ${n} entries are shown]`;

  server.tool('list_directory', {
    title: 'List directory',
    description: `Lists a directory's entries, one per line, marked [DIR], [FILE] or [LINK] (symbolic link, not followed). At most ${limits.maxListEntries} entries.`,
    inputSchema: { path: z.string().describe('Directory: absolute, or relative to the first allowed directory') },
    outputSchema: z.object({ path: z.string(), entries: z.array(z.object({ name: z.string(), type: entryType })), truncated: z.boolean() }),
    annotations: READ_ONLY,
  }, guarded(env, 'list_directory', async ({ path }, { dirs, ctx }) => {
    const target = await resolveDirectory(path, dirs);
    const { entries, truncated } = await readDirectory(target.real, limits.maxListEntries, ctx.signal);
    const lines = entries.map((e) => `${MARK[e.type]} ${e.name}`);
    if (truncated) lines.push(cut(entries.length));
    return success(lines.length ? lines.join('\n') : '(empty directory)', { path, entries, truncated });
  }));

  const sized = z.object({ name: z.string(), type: entryType, size: z.number() });
  server.tool('list_directory_with_sizes', {
    title: 'List directory with sizes',
    description: `Lists a directory's entries with their sizes and a total, sorted by name (default) or by size, largest first. At most ${limits.maxListEntries} entries.`,
    inputSchema: {
      path: z.string().describe('Directory: absolute, or relative to the first allowed directory'),
      sortBy: z.enum(['name', 'size']).optional().describe('Sort by name (default) or size'),
    },
    outputSchema: z.object({
      path: z.string(),
      entries: z.array(sized),
      totalFiles: z.number(),
      totalDirectories: z.number(),
      totalSize: z.number(),
      truncated: z.boolean(),
    }),
    annotations: READ_ONLY,
  }, guarded(env, 'list_directory_with_sizes', async ({ path, sortBy }, { dirs, ctx }) => {
    const target = await resolveDirectory(path, dirs);
    const { entries, truncated } = await readDirectory(target.real, limits.maxListEntries, ctx.signal);
    const withSizes: Array<z.infer<typeof sized>> = [];
    for (const e of entries) {
      // lstat: a symlink's own size; its target may be outside and is not looked at.
      const size = e.type === 'directory' ? 0 : await lstat(join(target.real, e.name)).then((s) => s.size, () => 0);
      withSizes.push({ ...e, size });
    }
    if (sortBy === 'size') withSizes.sort((a, b) => b.size - a.size || (a.name < b.name ? -1 : 1));
    const files = withSizes.filter((e) => e.type !== 'directory');
    const totalSize = files.reduce((n, e) => n + e.size, 0);
    const totalDirectories = withSizes.length - files.length;
    const width = Math.min(40, Math.max(0, ...withSizes.map((e) => e.name.length)));
    const lines = withSizes.map((e) => `${MARK[e.type].padEnd(6)} ${e.name.padEnd(width)}  ${e.type === 'directory' ? '' : formatSize(e.size)}`.trimEnd());
    if (truncated) lines.push(cut(entries.length));
    lines.push('', `Total: ${files.length} files, ${totalDirectories} directories, ${formatSize(totalSize)}`);
    return success(lines.join('\n'), { path, entries: withSizes, totalFiles: files.length, totalDirectories, totalSize, truncated });
  }));

  server.tool('directory_tree', {
    title: 'Directory tree',
    description:
      'Returns a directory\'s tree as JSON: [{name, type, children?}]. Symbolic links are listed, not followed. ' +
      `Descends at most ${limits.maxTreeDepth} levels (or maxDepth) and returns at most ${limits.maxTreeEntries} entries; a directory cut short carries "truncated": true.`,
    inputSchema: {
      path: z.string().describe('Directory: absolute, or relative to the first allowed directory'),
      excludePatterns: excludeArg,
      maxDepth: z.number().int().min(1).max(limits.maxTreeDepth).optional().describe(`Levels to descend (default and most: ${limits.maxTreeDepth})`),
    },
    outputSchema: z.object({ path: z.string(), tree: z.array(treeNode), entries: z.number(), truncated: z.boolean() }),
    annotations: READ_ONLY,
  }, guarded(env, 'directory_tree', async ({ path, excludePatterns, maxDepth }, { dirs, ctx }) => {
    const exclude = compileExcludes(excludePatterns);
    const target = await resolveDirectory(path, dirs);
    const depthLimit = maxDepth ?? limits.maxTreeDepth;
    let count = 0;
    // Excluded entries are read but not returned; this bounds the reading too.
    let visited = 0;
    let truncated = false;
    const build = async (dirReal: string, prefix: string, depth: number): Promise<{ nodes: TreeNode[]; cut: boolean }> => {
      const room = Math.min(limits.maxTreeEntries - count + 1, limits.maxVisitedEntries - visited);
      if (room <= 0) return { nodes: [], cut: true };
      const listing = await readDirectory(dirReal, room, ctx.signal);
      visited += listing.entries.length;
      const nodes: TreeNode[] = [];
      for (const e of listing.entries) {
        const relative = prefix ? `${prefix}/${e.name}` : e.name;
        if (exclude(relative)) continue;
        if (count >= limits.maxTreeEntries || ctx.signal.aborted) return { nodes, cut: true };
        count++;
        const node: TreeNode = { name: e.name, type: e.type };
        if (e.type === 'directory') {
          if (depth >= depthLimit) {
            node.truncated = true;
            truncated = true;
          } else {
            const sub = await build(join(dirReal, e.name), relative, depth + 1);
            node.children = sub.nodes;
            if (sub.cut) node.truncated = true;
          }
        }
        nodes.push(node);
      }
      return { nodes, cut: listing.truncated };
    };
    const root = await build(target.real, '', 1);
    truncated ||= root.cut || count >= limits.maxTreeEntries;
    const content: ContentBlock[] = [{ type: 'text', text: JSON.stringify(root.nodes, null, 2) }];
    if (truncated) content.push({ type: 'text', text: `[truncated: the tree was cut at ${depthLimit} levels or ${limits.maxTreeEntries} entries; directories cut short carry "truncated": true]` });
    return success(content, { path, tree: root.nodes, entries: count, truncated });
  }));

  server.tool('search_files', {
    title: 'Search files',
    description:
      'Finds files and directories below a directory whose names match a glob pattern (`*.ts`, `README*`), or whose relative paths do when the ' +
      `pattern contains "/" (\`src/**/*.test.ts\`). Symbolic links are not followed. At most ${limits.maxSearchResults} results.`,
    inputSchema: {
      path: z.string().describe('Directory to search: absolute, or relative to the first allowed directory'),
      pattern: z.string().describe('Glob pattern'),
      excludePatterns: excludeArg,
    },
    outputSchema: z.object({ path: z.string(), pattern: z.string(), matches: z.array(z.string()), truncated: z.boolean() }),
    annotations: READ_ONLY,
  }, guarded(env, 'search_files', async ({ path, pattern, excludePatterns }, { dirs, ctx }) => {
    const matcher = compileGlob(pattern);
    const exclude = compileExcludes(excludePatterns);
    const target = await resolveDirectory(path, dirs);
    const budget: WalkBudget = { visited: 0, maxVisited: limits.maxVisitedEntries, exhausted: false };
    const matches: string[] = [];
    let truncated = false;
    for await (const entry of walk(target.real, { budget, maxDepth: limits.maxSearchDepth, exclude, signal: ctx.signal })) {
      if (!matcher(entry.relative)) continue;
      if (matches.length >= limits.maxSearchResults) {
        truncated = true;
        break;
      }
      // Reported under the path the caller gave, not the real path it resolved to.
      matches.push(posix.join(path, entry.relative));
    }
    truncated ||= budget.exhausted;
    const lines = matches.length ? [...matches] : ['No matches found'];
    if (truncated) lines.push(`[truncated: the search stopped at ${limits.maxSearchResults} results or ${limits.maxVisitedEntries} visited entries]`);
    return success(lines.join('\n'), { path, pattern, matches, truncated });
  }));
}
