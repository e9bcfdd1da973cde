import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Connection, type Fixture, connectStdio, createFixture, structured, textOf } from './testing/harness.js';

// Every tool's happy path, through the real client over stdio against the built binary.
let fx: Fixture;
let conn: Connection;

beforeAll(async () => {
  fx = createFixture();
  conn = await connectStdio([fx.allowed]);
});
afterAll(async () => {
  await conn?.close();
  fx?.cleanup();
});

const call = (name: string, args: Record<string, unknown> = {}) => conn.client.callTool(name, args as never);

describe('tools/list', () => {
  it('lists the tools users know, each with annotations and an output schema', async () => {
    const tools = await conn.client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual([
      'create_directory', 'directory_tree', 'edit_file', 'get_file_info', 'list_allowed_directories', 'list_directory',
      'list_directory_with_sizes', 'move_file', 'read_media_file', 'read_multiple_files', 'read_text_file', 'search_files', 'write_file',
    ]);
    for (const t of tools) {
      expect(t.outputSchema, t.name).toBeDefined();
      expect(typeof t.annotations?.readOnlyHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.destructiveHint, t.name).toBe('boolean');
      expect(typeof t.annotations?.idempotentHint, t.name).toBe('boolean');
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('read_text_file')!.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(byName.get('write_file')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true, idempotentHint: true });
    expect(byName.get('edit_file')!.annotations).toMatchObject({ destructiveHint: true, idempotentHint: false });
    expect(byName.get('move_file')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(byName.get('read_text_file')!.inputSchema).toMatchObject({ required: ['path'] });
  });
});

describe('reading', () => {
  it('read_text_file reads a whole file, by absolute or relative path', async () => {
    const abs = await call('read_text_file', { path: join(fx.allowed, 'hello.txt') });
    expect(textOf(abs)).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(structured(abs)).toEqual({ path: join(fx.allowed, 'hello.txt'), content: 'line 1\nline 2\nline 3\nline 4\nline 5\n', truncated: false });
    const rel = await call('read_text_file', { path: 'notes/todo.md' });
    expect(textOf(rel)).toBe('# Todo\n- write tests\n');
  });

  it('read_text_file returns the first or last N lines', async () => {
    expect(textOf(await call('read_text_file', { path: 'hello.txt', head: 2 }))).toBe('line 1\nline 2');
    expect(textOf(await call('read_text_file', { path: 'hello.txt', tail: 2 }))).toBe('line 4\nline 5');
    expect(textOf(await call('read_text_file', { path: 'hello.txt', head: 99 }))).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(textOf(await call('read_text_file', { path: 'hello.txt', tail: 99 }))).toBe('line 1\nline 2\nline 3\nline 4\nline 5');
  });

  it('read_text_file refuses head and tail together', async () => {
    const r = await call('read_text_file', { path: 'hello.txt', head: 1, tail: 1 });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/head or tail, not both/);
  });

  it('read_text_file follows a symlink whose target stays inside', async () => {
    expect(textOf(await call('read_text_file', { path: 'link-to-hello', head: 1 }))).toBe('line 1');
  });

  it('read_text_file reports a missing file and a directory clearly', async () => {
    const missing = await call('read_text_file', { path: 'nope.txt' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toBe('nope.txt: no such file or directory');
    const dir = await call('read_text_file', { path: 'notes' });
    expect(dir.isError).toBe(true);
    expect(textOf(dir)).toBe('notes: is a directory');
  });

  it('read_media_file returns image and audio blocks with the right mimeType, anything else as a blob resource', async () => {
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==', 'base64');
    writeFileSync(join(fx.allowed, 'dot.png'), png);
    writeFileSync(join(fx.allowed, 'beep.wav'), Buffer.from('RIFF0000WAVE'));
    writeFileSync(join(fx.allowed, 'data.bin'), Buffer.from([0, 1, 2, 255]));
    const image = await call('read_media_file', { path: 'dot.png' });
    expect(image.content).toEqual([{ type: 'image', data: png.toString('base64'), mimeType: 'image/png' }]);
    expect(structured(image)).toEqual({ path: 'dot.png', mimeType: 'image/png', kind: 'image', size: png.length });
    const audio = await call('read_media_file', { path: 'beep.wav' });
    expect(audio.content[0]).toMatchObject({ type: 'audio', mimeType: 'audio/wav' });
    const blob = await call('read_media_file', { path: 'data.bin' });
    expect(blob.content[0]).toEqual({
      type: 'resource',
      resource: { uri: `file://${join(fx.allowed, 'data.bin')}`, mimeType: 'application/octet-stream', blob: Buffer.from([0, 1, 2, 255]).toString('base64') },
    });
  });

  it('read_multiple_files reads each file and reports per-file errors without failing the call', async () => {
    const r = await call('read_multiple_files', { paths: ['hello.txt', 'missing.txt', join(fx.outside, 'secret.txt'), 'notes/todo.md'] });
    expect(r.isError).toBeFalsy();
    const { files } = structured<{ files: Array<{ path: string; content?: string; error?: string }> }>(r);
    expect(files.map((f) => f.path)).toEqual(['hello.txt', 'missing.txt', join(fx.outside, 'secret.txt'), 'notes/todo.md']);
    expect(files[0]!.content).toContain('line 1');
    expect(files[1]!.error).toBe('missing.txt: no such file or directory');
    expect(files[2]!.error).toMatch(/^Access denied/);
    expect(files[3]!.content).toBe('# Todo\n- write tests\n');
    expect(textOf(r)).toContain('missing.txt: Error - missing.txt: no such file or directory');
    expect(textOf(r)).not.toContain(fx.secret);
  });
});

describe('writing', () => {
  it('write_file creates and replaces a file atomically, leaving no temp file behind', async () => {
    const created = await call('write_file', { path: 'new.txt', content: 'first' });
    expect(structured(created)).toEqual({ path: 'new.txt', bytesWritten: 5, created: true });
    expect(readFileSync(join(fx.allowed, 'new.txt'), 'utf8')).toBe('first');
    const replaced = await call('write_file', { path: join(fx.allowed, 'new.txt'), content: 'second ✓' });
    expect(structured(replaced)).toMatchObject({ bytesWritten: Buffer.byteLength('second ✓'), created: false });
    expect(readFileSync(join(fx.allowed, 'new.txt'), 'utf8')).toBe('second ✓');
    const { entries } = structured<{ entries: Array<{ name: string }> }>(await call('list_directory', { path: '.' }));
    expect(entries.some((e) => e.name.endsWith('.tmp'))).toBe(false);
  });

  it('write_file keeps an existing file’s permission bits', async () => {
    writeFileSync(join(fx.allowed, 'script.sh'), '#!/bin/sh\n', { mode: 0o750 });
    await call('write_file', { path: 'script.sh', content: '#!/bin/sh\necho hi\n' });
    expect(statSync(join(fx.allowed, 'script.sh')).mode & 0o777).toBe(0o750);
  });

  it('write_file needs the parent directory to exist', async () => {
    const r = await call('write_file', { path: 'no/such/dir/file.txt', content: 'x' });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toMatch(/parent directory does not exist/);
  });

  it('edit_file applies exact edits and returns a unified diff', async () => {
    writeFileSync(join(fx.allowed, 'code.js'), 'function a() {\n  return 1;\n}\n');
    const r = await call('edit_file', { path: 'code.js', edits: [{ oldText: 'return 1;', newText: 'return 2;' }] });
    const out = structured<{ diff: string; applied: boolean; matches: string[] }>(r);
    expect(out.applied).toBe(true);
    expect(out.matches).toEqual(['exact']);
    expect(out.diff).toContain('--- code.js');
    expect(out.diff).toContain('-  return 1;\n+  return 2;');
    expect(textOf(r)).toMatch(/^```diff\n/);
    expect(readFileSync(join(fx.allowed, 'code.js'), 'utf8')).toBe('function a() {\n  return 2;\n}\n');
  });

  it('edit_file falls back to whitespace-tolerant matching and keeps the file’s indentation', async () => {
    writeFileSync(join(fx.allowed, 'indent.py'), 'def f():\n    if x:\n        return 1\n    return 0\n');
    const r = await call('edit_file', { path: 'indent.py', edits: [{ oldText: 'if x:\n  return 1', newText: 'if x:\n  return 2' }] });
    expect(structured<{ matches: string[] }>(r).matches).toEqual(['whitespace']);
    expect(readFileSync(join(fx.allowed, 'indent.py'), 'utf8')).toBe('def f():\n    if x:\n      return 2\n    return 0\n');
  });

  it('edit_file with dryRun returns the diff and writes nothing', async () => {
    writeFileSync(join(fx.allowed, 'dry.txt'), 'alpha\nbeta\n');
    const r = await call('edit_file', { path: 'dry.txt', edits: [{ oldText: 'beta', newText: 'gamma' }], dryRun: true });
    const out = structured<{ diff: string; applied: boolean }>(r);
    expect(out.applied).toBe(false);
    expect(out.diff).toContain('+gamma');
    expect(textOf(r)).toContain('Dry run: nothing was written.');
    expect(readFileSync(join(fx.allowed, 'dry.txt'), 'utf8')).toBe('alpha\nbeta\n');
  });

  it('edit_file fails whole when an edit does not match or is ambiguous, writing nothing', async () => {
    writeFileSync(join(fx.allowed, 'amb.txt'), 'x = 1\nx = 1\ny = 2\n');
    const ambiguous = await call('edit_file', { path: 'amb.txt', edits: [{ oldText: 'y = 2', newText: 'y = 3' }, { oldText: 'x = 1', newText: 'x = 9' }] });
    expect(ambiguous.isError).toBe(true);
    expect(textOf(ambiguous)).toMatch(/Edit 2: oldText matches more than one place/);
    const missing = await call('edit_file', { path: 'amb.txt', edits: [{ oldText: 'z = 0', newText: 'z = 1' }] });
    expect(textOf(missing)).toMatch(/Edit 1: oldText was not found/);
    expect(readFileSync(join(fx.allowed, 'amb.txt'), 'utf8')).toBe('x = 1\nx = 1\ny = 2\n');
  });

  it('create_directory creates parents and is idempotent', async () => {
    const r = await call('create_directory', { path: 'a/b/c' });
    expect(structured(r)).toEqual({ path: 'a/b/c', created: true });
    expect(statSync(join(fx.allowed, 'a', 'b', 'c')).isDirectory()).toBe(true);
    expect(structured(await call('create_directory', { path: 'a/b/c' }))).toEqual({ path: 'a/b/c', created: false });
    const blocked = await call('create_directory', { path: 'hello.txt/sub' });
    expect(blocked.isError).toBe(true);
  });

  it('move_file renames files and directories, and never overwrites', async () => {
    writeFileSync(join(fx.allowed, 'm1.txt'), 'one');
    writeFileSync(join(fx.allowed, 'm2.txt'), 'two');
    expect(structured(await call('move_file', { source: 'm1.txt', destination: 'moved.txt' }))).toEqual({ source: 'm1.txt', destination: 'moved.txt' });
    expect(existsSync(join(fx.allowed, 'm1.txt'))).toBe(false);
    expect(readFileSync(join(fx.allowed, 'moved.txt'), 'utf8')).toBe('one');
    const clash = await call('move_file', { source: 'moved.txt', destination: 'm2.txt' });
    expect(clash.isError).toBe(true);
    expect(textOf(clash)).toBe('m2.txt: already exists; move_file never overwrites');
    expect(readFileSync(join(fx.allowed, 'm2.txt'), 'utf8')).toBe('two');
    expect(readFileSync(join(fx.allowed, 'moved.txt'), 'utf8')).toBe('one');
    mkdirSync(join(fx.allowed, 'dir-to-move'));
    writeFileSync(join(fx.allowed, 'dir-to-move', 'f'), 'f');
    await call('move_file', { source: 'dir-to-move', destination: 'notes/moved-dir' });
    expect(readFileSync(join(fx.allowed, 'notes', 'moved-dir', 'f'), 'utf8')).toBe('f');
    const intoItself = await call('move_file', { source: 'notes', destination: 'notes/moved-dir/notes' });
    expect(textOf(intoItself)).toBe('Cannot move notes into itself');
  });
});

describe('listing and searching', () => {
  it('list_directory marks [DIR], [FILE] and [LINK]', async () => {
    const r = await call('list_directory', { path: 'notes' });
    expect(textOf(r).split('\n')).toEqual(expect.arrayContaining(['[DIR] deep', '[FILE] todo.md']));
    const root = textOf(await call('list_directory', { path: fx.allowed }));
    expect(root).toContain('[LINK] link-to-outside');
    expect(root).toContain('[FILE] hello.txt');
  });

  it('list_directory_with_sizes sorts by name or size and totals', async () => {
    mkdirSync(join(fx.allowed, 'sizes'));
    writeFileSync(join(fx.allowed, 'sizes', 'big.txt'), 'x'.repeat(3000));
    writeFileSync(join(fx.allowed, 'sizes', 'a-small.txt'), 'x');
    mkdirSync(join(fx.allowed, 'sizes', 'sub'));
    const byName = structured<{ entries: Array<{ name: string; size: number }>; totalFiles: number; totalDirectories: number; totalSize: number }>(
      await call('list_directory_with_sizes', { path: 'sizes' }),
    );
    expect(byName.entries.map((e) => e.name)).toEqual(['a-small.txt', 'big.txt', 'sub']);
    expect(byName).toMatchObject({ totalFiles: 2, totalDirectories: 1, totalSize: 3001 });
    const bySize = await call('list_directory_with_sizes', { path: 'sizes', sortBy: 'size' });
    expect(structured<{ entries: Array<{ name: string }> }>(bySize).entries[0]!.name).toBe('big.txt');
    expect(textOf(bySize)).toContain('Total: 2 files, 1 directories, 2.9 KiB');
  });

  it('directory_tree returns a JSON tree, honours excludePatterns and does not follow symlinks', async () => {
    const r = await call('directory_tree', { path: 'notes', excludePatterns: ['*.ts'] });
    const tree = JSON.parse(r.content[0]!.type === 'text' ? r.content[0]!.text : '') as unknown;
    expect(tree).toEqual(structured<{ tree: unknown }>(r).tree);
    expect(tree).toEqual(
      expect.arrayContaining([
        { name: 'deep', type: 'directory', children: [] },
        { name: 'todo.md', type: 'file' },
      ]),
    );
    const root = structured<{ tree: Array<{ name: string; type: string; children?: unknown }> }>(await call('directory_tree', { path: '.' }));
    const link = root.tree.find((n) => n.name === 'link-to-outside');
    expect(link).toEqual({ name: 'link-to-outside', type: 'symlink' });
  });

  it('directory_tree marks a tree cut at maxDepth', async () => {
    const r = await call('directory_tree', { path: 'notes', maxDepth: 1 });
    const out = structured<{ tree: Array<{ name: string; truncated?: boolean }>; truncated: boolean }>(r);
    expect(out.truncated).toBe(true);
    expect(out.tree.find((n) => n.name === 'deep')).toMatchObject({ truncated: true });
    expect(textOf(r)).toContain('[truncated:');
  });

  it('search_files matches names at any depth, or relative paths when the pattern has a slash', async () => {
    const byName = structured<{ matches: string[] }>(await call('search_files', { path: '.', pattern: '*.md' }));
    expect(byName.matches).toContain('notes/todo.md');
    const byPath = structured<{ matches: string[] }>(await call('search_files', { path: fx.allowed, pattern: 'notes/**/*.ts' }));
    expect(byPath.matches).toEqual([join(fx.allowed, 'notes', 'deep', 'x.ts')]);
    const excluded = structured<{ matches: string[] }>(await call('search_files', { path: '.', pattern: '*.ts', excludePatterns: ['deep'] }));
    expect(excluded.matches).toEqual([]);
    expect(textOf(await call('search_files', { path: '.', pattern: '*.nothing' }))).toBe('No matches found');
  });

  it('search_files does not descend into symlinked directories', async () => {
    const r = structured<{ matches: string[] }>(await call('search_files', { path: '.', pattern: 'inner.txt' }));
    expect(r.matches).toEqual([]);
  });
});

describe('information', () => {
  it('get_file_info reports type, size, times and permissions', async () => {
    writeFileSync(join(fx.allowed, 'info.txt'), '12345', { mode: 0o640 });
    const r = structured<Record<string, unknown>>(await call('get_file_info', { path: 'info.txt' }));
    expect(r).toMatchObject({ path: 'info.txt', type: 'file', size: 5, permissions: '640', isSymbolicLink: false });
    expect(Date.parse(r.modified as string)).not.toBeNaN();
    expect(structured(await call('get_file_info', { path: 'notes' }))).toMatchObject({ type: 'directory' });
    expect(structured(await call('get_file_info', { path: 'link-to-hello' }))).toMatchObject({ type: 'file', isSymbolicLink: true });
  });

  it('list_allowed_directories lists the command-line directories', async () => {
    const r = await call('list_allowed_directories');
    expect(structured(r)).toEqual({ directories: [fx.allowed], source: 'arguments' });
    expect(textOf(r)).toContain(fx.allowed);
  });
});
