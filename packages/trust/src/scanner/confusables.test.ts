import { describe, expect, it } from 'vitest';
import { confusableReason, skeleton, toLatinLookalike } from './confusables.js';

describe('look-alikes', () => {
  it('folds look-alikes, case and separators into one skeleton', () => {
    const names = ['read_file', 'readFile', 'Read-File', 're\u0430d_file', '\uFF52\uFF45\uFF41\uFF44_file', 'read\u200B_file'];
    expect(new Set(names.map(skeleton))).toEqual(new Set(['readfile']));
    expect(skeleton('write_file')).not.toBe(skeleton('read_file'));
  });

  it('explains deceptive identifiers and leaves honest ones alone', () => {
    expect(confusableReason('re\u0430d_file')).toMatch(/mixes Latin/);
    expect(confusableReason('\u0440\u0430\u0443')).toMatch(/entirely/); // "рау" reads as "pay"
    expect(confusableReason('\uFF52\uFF45\uFF41\uFF44')).toMatch(/fullwidth/);
    for (const honest of ['read_file', 'поиск', '天気', 'météo', 'straße', 'καιρός']) expect(confusableReason(honest), honest).toBeUndefined();
  });

  it('leaves ASCII text as it is', () => {
    expect(toLatinLookalike('Plain ASCII')).toBe('Plain ASCII');
    expect(toLatinLookalike('ignоre')).toBe('ignore');
  });
});
