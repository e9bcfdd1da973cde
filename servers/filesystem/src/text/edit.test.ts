import { describe, expect, it } from 'vitest';
import { applyEdits } from './edit.js';
import { fenced, unifiedDiff } from './diff.js';

describe('applyEdits', () => {
  it('replaces an exact, unique match', () => {
    expect(applyEdits('a = 1\nb = 2\n', [{ oldText: 'b = 2', newText: 'b = 3' }])).toEqual({ text: 'a = 1\nb = 3\n', matches: ['exact'] });
  });

  it('inserts replacement text literally ($ patterns are not special)', () => {
    expect(applyEdits('x\n', [{ oldText: 'x', newText: "$& $1 $$ $'" }]).text).toBe("$& $1 $$ $'\n");
  });

  it('applies edits in order, each on the result of the previous', () => {
    expect(applyEdits('one\n', [{ oldText: 'one', newText: 'two' }, { oldText: 'two', newText: 'three' }]).text).toBe('three\n');
  });

  it('matches line by line ignoring whitespace, and re-indents the replacement', () => {
    const file = 'class A {\n\tmethod() {\n\t\treturn  1;\n\t}\n}\n';
    const r = applyEdits(file, [{ oldText: 'method() {\n  return 1;\n}', newText: 'method() {\n  return 2;\n}' }]);
    expect(r.matches).toEqual(['whitespace']);
    expect(r.text).toBe('class A {\n\tmethod() {\n\t  return 2;\n\t}\n}\n');
  });

  it('keeps CRLF line endings when the edits are written with LF', () => {
    expect(applyEdits('a\r\nb\r\nc\r\n', [{ oldText: 'a\nb', newText: 'A\nB' }]).text).toBe('A\r\nB\r\nc\r\n');
  });

  it('refuses empty, missing and ambiguous oldText', () => {
    expect(() => applyEdits('a\n', [{ oldText: '', newText: 'b' }])).toThrow(/Edit 1: oldText is empty/);
    expect(() => applyEdits('a\n', [{ oldText: 'zzz', newText: 'b' }])).toThrow(/Edit 1: oldText was not found/);
    expect(() => applyEdits('a\na\n', [{ oldText: 'a', newText: 'b' }])).toThrow(/more than one place/);
    expect(() => applyEdits('  a\n\ta\n', [{ oldText: 'a ', newText: 'b' }])).toThrow(/more than one place \(ignoring whitespace\)/);
  });
});

describe('unifiedDiff and fenced', () => {
  it('produces a unified diff with headers and hunks', () => {
    const d = unifiedDiff('f.txt', 'a\nb\n', 'a\nc\n', 1000);
    expect(d).toContain('--- f.txt\toriginal\n+++ f.txt\tmodified\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n');
  });

  it('fences with more backticks than the text contains', () => {
    expect(fenced('x ``` y', 'diff')).toBe('````diff\nx ``` y\n````');
  });
});
