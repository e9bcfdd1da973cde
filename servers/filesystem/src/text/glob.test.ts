import { describe, expect, it } from 'vitest';
import { compileExcludes, compileGlob } from './glob.js';

describe('compileGlob', () => {
  it('matches names at any depth when the pattern has no slash', () => {
    const m = compileGlob('*.ts');
    expect(m('a.ts')).toBe(true);
    expect(m('src/deep/b.ts')).toBe(true);
    expect(m('src/b.tsx')).toBe(false);
  });

  it('matches relative paths when the pattern has a slash, with ** and braces', () => {
    const m = compileGlob('src/**/*.{ts,js}');
    expect(m('src/a/b/c.js')).toBe(true);
    expect(m('src/c.ts')).toBe(true);
    expect(m('lib/c.ts')).toBe(false);
    expect(compileGlob('./src/*')('src/x')).toBe(true);
  });

  it('matches dot-files like other names', () => {
    expect(compileGlob('.env*')('config/.env.local')).toBe(true);
  });

  it('refuses empty, overlong and exploding patterns', () => {
    expect(() => compileGlob('')).toThrow(/non-empty/);
    expect(() => compileGlob('a'.repeat(600))).toThrow(/longer than/);
    expect(() => compileGlob('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}')).toThrow(/too many alternatives/);
  });
});

describe('compileExcludes', () => {
  it('leaves out anything any pattern matches', () => {
    const ex = compileExcludes(['node_modules', '**/*.log']);
    expect(ex('node_modules')).toBe(true);
    expect(ex('pkg/node_modules')).toBe(true);
    expect(ex('logs/a.log')).toBe(true);
    expect(ex('src/a.ts')).toBe(false);
    expect(compileExcludes(undefined)('x')).toBe(false);
  });
});
