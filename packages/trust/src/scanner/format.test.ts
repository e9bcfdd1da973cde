import { describe, expect, it } from 'vitest';
import { formatFindings } from './format.js';

describe('formatFindings', () => {
  it('lists the most severe first, with where, message, evidence and a summary', () => {
    const text = formatFindings([
      { rule: 'MCP-I006', severity: 'low', server: 's', kind: 'tool', tool: 't', pointer: '/description', message: 'urgent' },
      { rule: 'MCP-U001', severity: 'critical', server: 's', kind: 'prompt', tool: 'p', pointer: '/description', message: 'hidden', evidence: 'x<hidden:"y">' },
    ]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('CRITICAL MCP-U001 hidden-tag-characters  s › prompt p/description');
    expect(lines[2]).toBe('         evidence: x<hidden:"y">');
    expect(lines[3]).toMatch(/^LOW {6}MCP-I006 urgency-language {2}s › t\/description$/);
    expect(lines.at(-1)).toBe('2 findings: 1 critical, 1 low');
  });

  it('says when there is nothing', () => {
    expect(formatFindings([])).toBe('No findings.');
  });
});
