/** The expectations of `mcpkit test` (issue 13): text versus data, deep equality, containment, the equals diff. */
import { describe, expect, it } from 'vitest';
import { checkExpectations, containsValue, deepEqual } from './expect.js';
import { lineDiff } from './diff.js';
import { compileSchema } from './schema.js';

describe('deepEqual and containsValue', () => {
  it('deepEqual ignores key order and nothing else', () => {
    expect(deepEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1, 2], [2, 1])).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual(1, '1')).toBe(false);
  });

  it('containsValue: a mapping by its keys, a list by items contained in some item, a leaf by equality', () => {
    const tools = [{ name: 'echo', inputSchema: { type: 'object' } }, { name: 'add' }];
    expect(containsValue(tools, [{ name: 'add' }, { name: 'echo', inputSchema: {} }])).toBe(true);
    expect(containsValue(tools, [{ name: 'sub' }])).toBe(false);
    expect(containsValue({ sum: 5, extra: true }, { sum: 5 })).toBe(true);
    expect(containsValue({ sum: 5 }, { sum: 5, extra: true })).toBe(false);
    expect(containsValue({ a: [1, 2, 3] }, { a: [3, 1] })).toBe(true);
    expect(containsValue({ a: null }, { a: null })).toBe(true);
    expect(containsValue({}, { a: undefined })).toBe(false);
  });
});

describe('checkExpectations', () => {
  const outcome = { text: 'Hello, Ada!', data: { greeting: 'Hello', to: 'Ada' }, isError: false };

  it('a string is about the text, any other value about the data', () => {
    expect(checkExpectations({ equals: 'Hello, Ada!', contains: 'Ada', matches: /^Hello/ }, outcome)).toEqual([]);
    expect(checkExpectations({ equals: { to: 'Ada', greeting: 'Hello' }, contains: { to: 'Ada' } }, outcome)).toEqual([]);
    expect(checkExpectations({ contains: 'Bob' }, outcome)).toEqual([{ kind: 'contains', message: 'the text does not contain "Bob"; it is "Hello, Ada!"', details: [] }]);
    expect(checkExpectations({ matches: /bye/i }, outcome)).toEqual([{ kind: 'matches', message: 'the text does not match /bye/i; it is "Hello, Ada!"', details: [] }]);
  });

  it('equals on data gives a line diff; isError and schema say what is wrong', () => {
    const [mismatch] = checkExpectations({ equals: { greeting: 'Hi', to: 'Ada' } }, outcome);
    expect(mismatch).toEqual({
      kind: 'equals',
      message: 'the data differs (- expected, + actual)',
      details: ['  {', '-   "greeting": "Hi",', '+   "greeting": "Hello",', '    "to": "Ada"', '  }'],
    });
    expect(checkExpectations({ isError: true }, outcome)).toEqual([{ kind: 'isError', message: 'expected isError: true, got false', details: [] }]);
    const schema = compileSchema({ type: 'object', required: ['count'], properties: { to: { type: 'number' } } });
    if ('error' in schema) throw new Error(schema.error);
    expect(checkExpectations({ schema: { source: {}, validate: schema.validate } }, outcome)).toEqual([
      { kind: 'schema', message: 'the data does not satisfy the schema', details: ["(the value): must have required property 'count'", '/to: must be number'] },
    ]);
  });
});

describe('lineDiff', () => {
  it('marks removed lines before added ones, keeps two lines of context and elides the rest', () => {
    const expected = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].join('\n');
    const actual = ['a', 'b', 'c', 'd', 'e', 'f', 'G', 'h'].join('\n');
    expect(lineDiff(expected, actual)).toEqual(['  …', '  e', '  f', '- g', '+ G', '  h']);
    expect(lineDiff(['a', 'B', 'c', 'd', 'e', 'f'].join('\n'), ['a', 'b', 'c', 'd', 'e', 'f'].join('\n'))).toEqual(['  a', '- B', '+ b', '  c', '  d', '  …']);
    expect(lineDiff('same', 'same')).toEqual([]);
  });
});
