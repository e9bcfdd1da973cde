import { describe, expect, it } from 'vitest';
import { decodeTags, excerpt, hasInvisible, showInvisible, stripInvisible } from './evidence.js';

const TAG = (ascii: string) => Array.from(ascii, (c) => String.fromCodePoint(0xe0000 + (c.codePointAt(0) ?? 0))).join('');

describe('evidence', () => {
  it('shows invisible characters as code points and decodes tag runs', () => {
    expect(showInvisible('a\u200Bb\u202Ec')).toBe('a<U+200B>b<U+202E>c');
    expect(showInvisible(`x${TAG('hi there')}y`)).toBe('x<hidden:"hi there">y');
    expect(showInvisible('line1\nline2')).toBe('line1\\nline2');
    expect(decodeTags(TAG('abc'))).toBe('abc');
  });

  it('strips and detects invisible characters', () => {
    expect(stripInvisible(`ig\u200Bnore${TAG('x')}`)).toBe('ignore');
    expect(hasInvisible('plain text')).toBe(false);
    expect(hasInvisible('soft\u00ADhyphen')).toBe(true);
  });

  it('cuts long text around the match', () => {
    const text = `${'a'.repeat(500)}NEEDLE${'b'.repeat(500)}`;
    const e = excerpt(text, 500, 6, 40);
    expect(e).toContain('NEEDLE');
    expect(e.startsWith('…')).toBe(true);
    expect(e.endsWith('…')).toBe(true);
    expect(e.length).toBeLessThanOrEqual(42);
    expect(excerpt('short')).toBe('short');
  });
});
