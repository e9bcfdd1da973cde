// Keeps docs/errors.md and the error registry equal: codes are append-only and every one is documented.
import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { ErrorCode, MCPKIT_ERROR_CODES } from './errors.js';
import * as protocol from './index.js';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

/** The body rows of the first Markdown table under the `## heading`, as trimmed cells without backticks. */
function tableUnder(heading: string): string[][] {
  const start = docs.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/errors.md has no "## ${heading}" section`);
  const next = docs.indexOf('\n## ', start + 1);
  const section = docs.slice(start, next < 0 ? undefined : next);
  const rows = section
    .split('\n')
    .filter((line) => line.trimStart().startsWith('|'))
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, '')
        .split('|')
        .map((cell) => cell.trim().replace(/`/g, '')),
    );
  // rows[0] is the header, rows[1] the --- separator.
  expect(rows.length).toBeGreaterThan(2);
  expect(rows[1]!.every((cell) => /^:?-+:?$/.test(cell))).toBe(true);
  return rows.slice(2);
}

describe('docs/errors.md', () => {
  const localRows = tableUnder('Local error codes');

  it('lists exactly the codes in MCPKIT_ERROR_CODES, each once', () => {
    const documented = localRows.map((row) => row[0]!);
    expect(new Set(documented).size).toBe(documented.length);
    expect(new Set(documented)).toEqual(new Set(MCPKIT_ERROR_CODES));
  });

  it('mentions no MCPKIT_ code anywhere that the registry does not have', () => {
    // MCPKIT_ERROR_CODES is the registry's own name, not a code.
    const mentioned = new Set((docs.match(/\bMCPKIT_[A-Z0-9_]+/g) ?? []).filter((token) => token !== 'MCPKIT_ERROR_CODES'));
    expect(mentioned).toEqual(new Set(MCPKIT_ERROR_CODES));
  });

  it('names, for each code, the exported class that carries it, and says when it happens', () => {
    for (const [code, className, when] of localRows) {
      // A class defined in another package says so in its row; its own package's tests cover it.
      if (/The class comes from @mcpkit\//.test(when!)) continue;
      const Class = (protocol as Record<string, unknown>)[className!];
      expect(typeof Class, `${className} is exported`).toBe('function');
      const instance = new (Class as new (message: string) => { code: string; name: string })('x');
      expect(instance.code, `${className} carries ${code}`).toBe(code);
      expect(instance.name).toBe(className);
      expect(when!.length, `${code} has a description`).toBeGreaterThan(20);
    }
  });

  it('documents every wire ErrorCode with its number', () => {
    const wireRows = tableUnder('Wire error codes');
    const documented = Object.fromEntries(wireRows.map((row) => [row[0]!, Number(row[1])]));
    expect(documented).toEqual({ ...ErrorCode });
  });
});
