import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CallResult, type Connection, type Fixture, connectStdio, createFixture, textOf } from './testing/harness.js';

// Attack cases, through the real client over stdio. Each must come back as an isError result with a clear
// message, and the files around must stay exactly as they were.
let fx: Fixture;
let conn: Connection;
let outsideBefore: string[];

beforeAll(async () => {
  fx = createFixture();
  conn = await connectStdio([fx.allowed]);
  outsideBefore = snapshot();
});
afterAll(async () => {
  await conn?.close();
  fx?.cleanup();
});

/** Every file outside the allowed directory, with its content: must never change. */
function snapshot(): string[] {
  const out: string[] = [];
  for (const dir of [fx.outside, join(fx.outside, 'secret-dir'), fx.evil, fx.evilDash]) {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      out.push(lstatSync(p).isFile() ? `${p}=${readFileSync(p, 'utf8')}` : p);
    }
  }
  return out;
}

const call = (name: string, args: Record<string, unknown>) => conn.client.callTool(name, args as never);

/** Asserts a refusal: isError, the expected message, no secret in it, nothing outside changed. */
function expectRefused(result: CallResult, message: RegExp): void {
  expect(result.isError, textOf(result)).toBe(true);
  expect(result.structuredContent).toBeUndefined();
  const text = textOf(result);
  expect(text).toMatch(message);
  expect(text).not.toContain(fx.secret);
  expect(text).not.toMatch(/\n\s+at /); // no stack trace
}

beforeEach(() => {
  if (outsideBefore) expect(snapshot()).toEqual(outsideBefore);
});

describe('CVE-2025-53110: a sibling whose name shares the allowed directory as a string prefix', () => {
  for (const sibling of ['allowed_evil', 'allowed-evil']) {
    it(`refuses reading ${sibling}/secret.txt`, async () => {
      const path = join(fx.base, sibling, 'secret.txt');
      expectRefused(await call('read_text_file', { path }), /^Access denied: .* is outside the allowed directories$/);
      expectRefused(await call('read_media_file', { path }), /^Access denied/);
      expectRefused(await call('get_file_info', { path }), /^Access denied/);
    });

    it(`refuses writing, editing and creating in ${sibling}`, async () => {
      const dir = join(fx.base, sibling);
      expectRefused(await call('write_file', { path: join(dir, 'secret.txt'), content: 'pwned' }), /^Access denied/);
      expectRefused(await call('write_file', { path: join(dir, 'new.txt'), content: 'pwned' }), /^Access denied/);
      expectRefused(await call('edit_file', { path: join(dir, 'secret.txt'), edits: [{ oldText: 'TOP', newText: 'X' }] }), /^Access denied/);
      expectRefused(await call('create_directory', { path: join(dir, 'sub') }), /^Access denied/);
      expect(existsSync(join(dir, 'new.txt'))).toBe(false);
      expect(existsSync(join(dir, 'sub'))).toBe(false);
      expect(readFileSync(join(dir, 'secret.txt'), 'utf8')).toBe(fx.secret);
    });

    it(`refuses listing and searching ${sibling}`, async () => {
      const path = join(fx.base, sibling);
      for (const tool of ['list_directory', 'list_directory_with_sizes', 'directory_tree']) expectRefused(await call(tool, { path }), /^Access denied/);
      expectRefused(await call('search_files', { path, pattern: '*' }), /^Access denied/);
    });
  }

  it('refuses a relative path that climbs into the sibling', async () => {
    expectRefused(await call('read_text_file', { path: '../allowed_evil/secret.txt' }), /^Access denied: \.\.\/allowed_evil\/secret\.txt is outside/);
  });
});

describe('.. escapes and absolute paths outside', () => {
  it('refuses relative and absolute .. paths that leave the allowed directory', async () => {
    for (const path of ['../outside/secret.txt', 'notes/../../outside/secret.txt', join(fx.allowed, '..', 'outside', 'secret.txt'), `${fx.allowed}/notes/../../outside/secret.txt`]) {
      expectRefused(await call('read_text_file', { path }), /^Access denied: .* is outside the allowed directories$/);
    }
  });

  it('allows .. that stays inside', async () => {
    const r = await call('read_text_file', { path: 'notes/../hello.txt', head: 1 });
    expect(textOf(r)).toBe('line 1');
  });

  it('refuses absolute paths outside, including the file system root', async () => {
    expectRefused(await call('read_text_file', { path: join(fx.outside, 'secret.txt') }), /^Access denied/);
    expectRefused(await call('read_text_file', { path: '/etc/passwd' }), /^Access denied: \/etc\/passwd is outside the allowed directories$/);
    expectRefused(await call('list_directory', { path: '/' }), /^Access denied/);
    expectRefused(await call('write_file', { path: join(fx.outside, 'planted.txt'), content: 'x' }), /^Access denied/);
    expect(existsSync(join(fx.outside, 'planted.txt'))).toBe(false);
  });

  it('refuses writes that climb out with ..', async () => {
    expectRefused(await call('write_file', { path: '../outside/new.txt', content: 'pwned' }), /^Access denied/);
    expectRefused(await call('create_directory', { path: 'notes/../../outside/newdir' }), /^Access denied/);
    expect(existsSync(join(fx.outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(fx.outside, 'newdir'))).toBe(false);
  });
});

describe('CVE-2025-53109: symlinks inside the allowed directory that point outside', () => {
  it('refuses reading a symlinked file that points outside (absolute and relative links)', async () => {
    for (const path of ['link-to-secret', 'relative-link-to-secret', join(fx.allowed, 'link-to-secret')]) {
      expectRefused(await call('read_text_file', { path }), /^Access denied: .* leads outside the allowed directories through a symbolic link$/);
      expectRefused(await call('read_media_file', { path }), /through a symbolic link/);
      expectRefused(await call('get_file_info', { path }), /through a symbolic link/);
    }
    const many = await call('read_multiple_files', { paths: ['link-to-secret', 'link-to-outside/secret.txt'] });
    expect(many.isError).toBeFalsy();
    expect(textOf(many)).not.toContain(fx.secret);
    expect(textOf(many).match(/through a symbolic link/g)).toHaveLength(2);
  });

  it('refuses reading through a symlinked directory that points outside', async () => {
    expectRefused(await call('read_text_file', { path: 'link-to-outside/secret.txt' }), /through a symbolic link/);
    expectRefused(await call('read_text_file', { path: 'link-to-outside/secret-dir/inner.txt' }), /through a symbolic link/);
    for (const tool of ['list_directory', 'list_directory_with_sizes', 'directory_tree']) {
      expectRefused(await call(tool, { path: 'link-to-outside' }), /through a symbolic link/);
    }
    expectRefused(await call('search_files', { path: 'link-to-outside', pattern: '*' }), /through a symbolic link/);
  });

  it('refuses writing through a symlinked file, leaving the target untouched', async () => {
    expectRefused(await call('write_file', { path: 'link-to-secret', content: 'pwned' }), /through a symbolic link/);
    expectRefused(await call('write_file', { path: 'relative-link-to-secret', content: 'pwned' }), /through a symbolic link/);
    expectRefused(await call('edit_file', { path: 'link-to-secret', edits: [{ oldText: 'TOP', newText: 'X' }] }), /through a symbolic link/);
    expect(readFileSync(join(fx.outside, 'secret.txt'), 'utf8')).toBe(fx.secret);
    expect(lstatSync(join(fx.allowed, 'link-to-secret')).isSymbolicLink()).toBe(true);
  });

  it('refuses writing and creating inside a symlinked directory', async () => {
    expectRefused(await call('write_file', { path: 'link-to-outside/planted.txt', content: 'pwned' }), /through a symbolic link/);
    expectRefused(await call('write_file', { path: 'link-to-outside/secret.txt', content: 'pwned' }), /through a symbolic link/);
    expectRefused(await call('create_directory', { path: 'link-to-outside/newdir/deeper' }), /through a symbolic link/);
    expect(existsSync(join(fx.outside, 'planted.txt'))).toBe(false);
    expect(existsSync(join(fx.outside, 'newdir'))).toBe(false);
  });

  it('refuses writing through a dangling symlink, so its target is never created', async () => {
    expectRefused(await call('write_file', { path: 'dangling-link', content: 'pwned' }), /symbolic link whose target does not exist/);
    expectRefused(await call('create_directory', { path: 'dangling-link' }), /symbolic link whose target does not exist/);
    expect(existsSync(join(fx.outside, 'does-not-exist-yet.txt'))).toBe(false);
    expect(readlinkSync(join(fx.allowed, 'dangling-link'))).toBe(join(fx.outside, 'does-not-exist-yet.txt'));
  });

  it('refuses writing through a symlink even when it points inside (writes never follow links)', async () => {
    expectRefused(await call('write_file', { path: 'link-to-hello', content: 'replaced' }), /^Refusing to write link-to-hello: it is a symbolic link/);
    expect(readFileSync(join(fx.allowed, 'hello.txt'), 'utf8')).toBe('line 1\nline 2\nline 3\nline 4\nline 5\n');
    expect(lstatSync(join(fx.allowed, 'link-to-hello')).isSymbolicLink()).toBe(true);
  });

  it('never names the symlink target in the refusal', async () => {
    const r = await call('read_text_file', { path: 'link-to-secret' });
    expect(textOf(r)).not.toContain(fx.outside);
    expect(textOf(r)).toBe('Access denied: link-to-secret leads outside the allowed directories through a symbolic link');
  });
});

describe('null bytes', () => {
  it('refuses a path with a null byte in every tool that takes one', async () => {
    for (const [tool, args] of [
      ['read_text_file', { path: 'hello.txt\0.png' }],
      ['read_media_file', { path: 'hello.txt\0' }],
      ['write_file', { path: 'evil\0.txt', content: 'x' }],
      ['create_directory', { path: 'evil\0dir' }],
      ['list_directory', { path: '.\0' }],
      ['get_file_info', { path: '\0' }],
      ['move_file', { source: 'hello.txt', destination: 'x\0y' }],
    ] as const) {
      expectRefused(await call(tool, args), /path contains a null byte/);
    }
    expect(readdirSync(fx.allowed).some((n) => n.startsWith('evil'))).toBe(false);
  });

  it('refuses a glob with a null byte', async () => {
    expectRefused(await call('search_files', { path: '.', pattern: '*\0' }), /pattern contains a null byte/);
  });
});

describe('moving into and out of the allowed directory', () => {
  it('refuses moving a file out, leaving it in place', async () => {
    expectRefused(await call('move_file', { source: 'notes/todo.md', destination: join(fx.outside, 'todo.md') }), /^Access denied: .* is outside/);
    expectRefused(await call('move_file', { source: 'notes/todo.md', destination: join(fx.evil, 'todo.md') }), /^Access denied/);
    expectRefused(await call('move_file', { source: 'notes/todo.md', destination: 'link-to-outside/todo.md' }), /through a symbolic link/);
    expect(readFileSync(join(fx.allowed, 'notes', 'todo.md'), 'utf8')).toBe('# Todo\n- write tests\n');
    expect(existsSync(join(fx.outside, 'todo.md'))).toBe(false);
  });

  it('refuses moving a file in from outside, leaving it in place', async () => {
    expectRefused(await call('move_file', { source: join(fx.outside, 'secret.txt'), destination: 'stolen.txt' }), /^Access denied/);
    expectRefused(await call('move_file', { source: join(fx.evil, 'secret.txt'), destination: 'stolen.txt' }), /^Access denied/);
    expectRefused(await call('move_file', { source: 'link-to-outside/secret.txt', destination: 'stolen.txt' }), /through a symbolic link/);
    expect(existsSync(join(fx.allowed, 'stolen.txt'))).toBe(false);
  });

  it('refuses moving a symlink that points outside (it would carry the escape elsewhere)', async () => {
    expectRefused(await call('move_file', { source: 'link-to-secret', destination: 'renamed-link' }), /symbolic link that leads outside/);
    expect(lstatSync(join(fx.allowed, 'link-to-secret')).isSymbolicLink()).toBe(true);
    expect(existsSync(join(fx.allowed, 'renamed-link'))).toBe(false);
  });

  it('refuses moving onto an existing entry, a dangling symlink included', async () => {
    expectRefused(await call('move_file', { source: 'hello.txt', destination: 'dangling-link' }), /already exists/);
    expect(existsSync(join(fx.allowed, 'hello.txt'))).toBe(true);
  });

  it('refuses moving the allowed directory itself', async () => {
    expectRefused(await call('move_file', { source: fx.allowed, destination: join(fx.allowed, 'inner') }), /allowed directory itself/);
  });
});
