import { describe, expect, it } from 'vitest';
import { substituteReferences } from './substitute.js';

const files: Record<string, string> = { '/cfg/token': 'tok\n\n', '/etc/ca.pem': 'PEM' };
const context = {
  env: { A: 'alpha', EMPTY: '' },
  baseDir: '/cfg',
  readFile: (path: string) => (path in files ? files[path]! : Promise.reject(new Error('ENOENT'))),
};

describe('substituteReferences', () => {
  it('replaces references inside string values only, anywhere in the tree', async () => {
    const result = await substituteReferences(
      { a: 'x-${env:A}-${file:token}', list: ['${file:/etc/ca.pem}', 3, true, null], '${env:A}': '$${env:A}', e: '${env:EMPTY}' },
      context,
    );
    expect(result.problems).toEqual([]);
    expect(result.data).toEqual({ a: 'x-alpha-tok', list: ['PEM', 3, true, null], '${env:A}': '${env:A}', e: '' });
    expect(result.substituted).toEqual([
      { path: ['a'], references: ['${env:A}', '${file:token}'] },
      { path: ['list', 0], references: ['${file:/etc/ca.pem}'] },
      { path: ['e'], references: ['${env:EMPTY}'] },
    ]);
  });

  it('collects every problem with its path', async () => {
    const result = await substituteReferences({ a: '${env:NOPE}', b: ['${file:missing}'], c: '${env:1BAD}', d: '${ENV}', e: 'open ${env:A', f: '${file:}' }, context);
    expect(result.problems).toEqual([
      { path: ['a'], message: '${env:NOPE}: the environment variable NOPE is not set' },
      { path: ['b', 0], message: '${file:missing}: cannot read /cfg/missing: ENOENT' },
      { path: ['c'], message: '${env:1BAD} does not name an environment variable' },
      { path: ['d'], message: '${ENV} is not a reference this file understands; use ${env:NAME} or ${file:PATH} (write $${ for a literal ${)' },
      { path: ['e'], message: 'has a ${ without its closing }' },
      { path: ['f'], message: '${file:} needs a path' },
    ]);
  });
});
