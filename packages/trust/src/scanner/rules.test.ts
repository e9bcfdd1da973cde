import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../snapshot.js';
import { RULES, ruleInfo } from './rules.js';

describe('the rule registry', () => {
  it('has unique, well-formed ids and names and complete text', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    expect(new Set(RULES.map((r) => r.name)).size).toBe(RULES.length);
    for (const r of RULES) {
      expect(r.id).toMatch(/^MCP-[A-Z]\d{3}$/);
      expect(r.name).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      expect(SEVERITIES).toContain(r.severity);
      expect(r.summary && r.catches && r.misses, r.id).toBeTruthy();
    }
    expect(() => ruleInfo('MCP-Z999')).toThrow(TypeError);
  });

  it('lists every rule id the checks emit, and nothing they do not', () => {
    const dir = join(import.meta.dirname, 'checks');
    const emitted = new Set<string>();
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
      for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/'(MCP-[A-Z]\d{3})'/g)) emitted.add(m[1]!);
    }
    expect([...emitted].sort()).toEqual(RULES.map((r) => r.id).sort());
  });
});
