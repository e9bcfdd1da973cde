import { describe, expect, it } from 'vitest';
import { parseArguments } from './args.js';

describe('parseArguments', () => {
  it('takes directories and --http PORT in any order', () => {
    expect(parseArguments(['a', '--http', '8080', 'b'])).toEqual({ kind: 'serve', directories: ['a', 'b'], httpPort: 8080 });
    expect(parseArguments(['--http=0'])).toEqual({ kind: 'serve', directories: [], httpPort: 0 });
    expect(parseArguments([])).toEqual({ kind: 'serve', directories: [], httpPort: undefined });
  });

  it('lets -- end the options so a directory may start with a dash', () => {
    expect(parseArguments(['--', '--http'])).toEqual({ kind: 'serve', directories: ['--http'], httpPort: undefined });
  });

  it('reports usage errors', () => {
    expect(parseArguments(['--http'])).toMatchObject({ kind: 'usage-error', message: expect.stringMatching(/--http needs a port/) });
    expect(parseArguments(['--http', '70000'])).toMatchObject({ kind: 'usage-error' });
    expect(parseArguments(['--http', '1', '--http', '2'])).toMatchObject({ kind: 'usage-error', message: '--http given twice' });
    expect(parseArguments(['--verbose'])).toMatchObject({ kind: 'usage-error', message: 'unknown option "--verbose"' });
    expect(parseArguments([''])).toMatchObject({ kind: 'usage-error' });
  });

  it('recognises help', () => {
    expect(parseArguments(['x', '-h'])).toEqual({ kind: 'help' });
  });
});
