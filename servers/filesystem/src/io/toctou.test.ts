import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AllowedDirectory, loadAllowedDirectories } from '../access/allowed.js';
import { resolveAllowed } from '../access/resolve.js';
import { type Fixture, createFixture } from '../testing/harness.js';
import { openForRead } from './open.js';
import { createDirectories, writeFileAtomic } from './write.js';

// Check-then-use races, staged deterministically: the path is resolved and checked, then the tree is
// changed under it, then the operation runs. The operation must notice, and nothing outside may change.
let fx: Fixture;
let dirs: AllowedDirectory[];

beforeEach(async () => {
  fx = createFixture();
  dirs = await loadAllowedDirectories([fx.allowed]);
});
afterEach(() => fx.cleanup());

const outsideNames = () => readdirSync(fx.outside).sort();

describe('TOCTOU: swaps between the containment check and the operation', () => {
  it('read: the file is replaced by a symlink to a secret after the check (O_NOFOLLOW)', async () => {
    writeFileSync(join(fx.allowed, 'swap.txt'), 'harmless');
    const target = await resolveAllowed('swap.txt', dirs);
    renameSync(join(fx.allowed, 'swap.txt'), join(fx.allowed, 'swap.old'));
    symlinkSync(join(fx.outside, 'secret.txt'), join(fx.allowed, 'swap.txt'));
    await expect(openForRead(target, dirs)).rejects.toMatchObject({ code: 'SYMLINK_REFUSED' });
  });

  it('read: a parent directory is replaced by a symlink to the outside after the check (descriptor re-check)', async () => {
    mkdirSync(join(fx.allowed, 'sub'));
    writeFileSync(join(fx.allowed, 'sub', 'inner.txt'), 'harmless');
    const target = await resolveAllowed('sub/inner.txt', dirs);
    renameSync(join(fx.allowed, 'sub'), join(fx.allowed, 'sub.old'));
    symlinkSync(join(fx.outside, 'secret-dir'), join(fx.allowed, 'sub'), 'dir');
    await expect(openForRead(target, dirs)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
  });

  it('write: the parent directory is replaced by a symlink to the outside after the check', async () => {
    mkdirSync(join(fx.allowed, 'out'));
    const target = await resolveAllowed('out/new.txt', dirs);
    renameSync(join(fx.allowed, 'out'), join(fx.allowed, 'out.old'));
    symlinkSync(fx.outside, join(fx.allowed, 'out'), 'dir');
    const before = outsideNames();
    await expect(writeFileAtomic(target, 'pwned', dirs)).rejects.toMatchObject({ code: 'SYMLINK_REFUSED' });
    expect(outsideNames()).toEqual(before);
    expect(existsSync(join(fx.outside, 'new.txt'))).toBe(false);
  });

  it('write: a grandparent directory is replaced by a symlink to the outside after the check (pinned descriptor)', async () => {
    mkdirSync(join(fx.allowed, 'g', 'secret-dir'), { recursive: true });
    const target = await resolveAllowed('g/secret-dir/planted.txt', dirs);
    renameSync(join(fx.allowed, 'g'), join(fx.allowed, 'g.old'));
    symlinkSync(fx.outside, join(fx.allowed, 'g'), 'dir');
    await expect(writeFileAtomic(target, 'pwned', dirs)).rejects.toMatchObject({ code: 'ACCESS_DENIED' });
    expect(readdirSync(join(fx.outside, 'secret-dir'))).toEqual(['inner.txt']);
  });

  it('write: the target is replaced by a symlink to a secret after the check', async () => {
    writeFileSync(join(fx.allowed, 'victim.txt'), 'harmless');
    const target = await resolveAllowed('victim.txt', dirs);
    renameSync(join(fx.allowed, 'victim.txt'), join(fx.allowed, 'victim.old'));
    symlinkSync(join(fx.outside, 'secret.txt'), join(fx.allowed, 'victim.txt'));
    await expect(writeFileAtomic(target, 'pwned', dirs)).rejects.toMatchObject({ code: 'SYMLINK_REFUSED' });
    expect(readFileSync(join(fx.outside, 'secret.txt'), 'utf8')).toBe(fx.secret);
  });

  it('create_directory: a missing segment is planted as a symlink to the outside after the check', async () => {
    const target = await resolveAllowed('planted/sub', dirs);
    symlinkSync(fx.outside, join(fx.allowed, 'planted'), 'dir');
    const before = outsideNames();
    await expect(createDirectories(target, dirs)).rejects.toMatchObject({ code: 'SYMLINK_REFUSED' });
    expect(outsideNames()).toEqual(before);
  });

  it('write: no temporary file is left behind after a refusal', async () => {
    mkdirSync(join(fx.allowed, 'w'));
    const target = await resolveAllowed('w/f.txt', dirs);
    renameSync(join(fx.allowed, 'w'), join(fx.allowed, 'w.old'));
    symlinkSync(fx.outside, join(fx.allowed, 'w'), 'dir');
    await writeFileAtomic(target, 'x', dirs).catch(() => undefined);
    expect(readdirSync(fx.outside).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(readdirSync(join(fx.allowed, 'w.old'))).toEqual([]);
  });
});
