import { describe, expect, it } from 'vitest';
import type { Finding } from '../snapshot.js';
import { atOrAbove, isSeverity, maxSeverity, raise } from './severity.js';

const f = (severity: Finding['severity']): Finding => ({ rule: 'MCP-X', severity, message: '' });

describe('severity helpers', () => {
  it('finds the maximum and filters at or above', () => {
    const list = [f('low'), f('high'), f('medium')];
    expect(maxSeverity(list)).toBe('high');
    expect(maxSeverity([])).toBeUndefined();
    expect(atOrAbove(list, 'medium').map((x) => x.severity)).toEqual(['high', 'medium']);
  });

  it('raises up to critical and recognises severities', () => {
    expect(raise('medium')).toBe('high');
    expect(raise('high', 5)).toBe('critical');
    expect(isSeverity('info')).toBe(true);
    expect(isSeverity('severe')).toBe(false);
  });
});
