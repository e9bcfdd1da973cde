import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AllowedDirectory, isWithin, loadAllowedDirectories } from './allowed.js';
import { absoluteOf, resolveAllowed } from './resolve.js';

describe('isWithin (path-segment containment)', () => {
  it('admits the directory itself and what lies below it', () => {
    expect(isWithin('/x/allowed', '/x/allowed')).toBe(true);
    expect(isWithin('/x/allowed/a/b', '/x/allowed')).toBe(true);
    expect(isWithin('/anything', '/')).toBe(true);
  });

  it('CVE-2025-53110: refuses a sibling that shares the name as a string prefix', () => {
    expect(isWithin('/x/allowed_evil/secret', '/x/allowed')).toBe(false);
    expect(isWithin('/x/allowed-evil', '/x/allowed')).toBe(false);
    expect(isWithin('/x/allowedX', '/x/allowed')).toBe(false);
    expect(isWithin('/x/allowed', '/x/allowed/')).toBe(true);
  });

  it('refuses parents and unrelated paths', () => {
    expect(isWithin('/x', '/x/allowed')).toBe(false);
    expect(isWithin('/', '/x/allowed')).toBe(false);
    expect(isWithin('/y/allowed', '/x/allowed')).toBe(false);
  });
});

describe('resolveAllowed', () => {
  let base: string;
  let dirs: AllowedDirectory[];
  beforeAll(async () => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'mcpkit-fs-resolve-')));
    mkdirSync(join(base, 'real', 'allowed'), { recursive: true });
    // The allowed directory is given through a symlink: both forms must be accepted in requests.
    symlinkSync(join(base, 'real', 'allowed'), join(base, 'alias'), 'dir');
    dirs = await loadAllowedDirectories([join(base, 'alias')]);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('keeps the given form for display and the real path for decisions', () => {
    expect(dirs).toEqual([{ path: join(base, 'alias'), real: join(base, 'real', 'allowed') }]);
  });

  it('resolves relative paths against the first allowed directory', () => {
    expect(absoluteOf('a/b.txt', dirs)).toBe(join(base, 'alias', 'a', 'b.txt'));
  });

  it('accepts both the given and the real form of an allowed directory', async () => {
    expect((await resolveAllowed(join(base, 'alias', 'new.txt'), dirs)).real).toBe(join(base, 'real', 'allowed', 'new.txt'));
    expect((await resolveAllowed(join(base, 'real', 'allowed', 'new.txt'), dirs)).exists).toBe(false);
  });

  it('appends missing segments to the nearest existing real parent', async () => {
    const r = await resolveAllowed('x/y/z.txt', dirs);
    expect(r).toMatchObject({ real: join(base, 'real', 'allowed', 'x', 'y', 'z.txt'), exists: false });
  });

  it('refuses empty paths and null bytes', async () => {
    await expect(resolveAllowed('', dirs)).rejects.toMatchObject({ code: 'INVALID_PATH' });
    await expect(resolveAllowed('a\0b', dirs)).rejects.toMatchObject({ code: 'INVALID_PATH', message: 'path contains a null byte' });
  });

  it('refuses .. that climbs out before touching the file system', async () => {
    await expect(resolveAllowed('../real', dirs)).rejects.toMatchObject({ code: 'ACCESS_DENIED', message: 'Access denied: ../real is outside the allowed directories' });
  });

  it('loading fails for a missing directory or a file', async () => {
    await expect(loadAllowedDirectories([join(base, 'missing')])).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
