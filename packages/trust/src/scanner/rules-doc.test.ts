import { describe, expect, it } from 'vitest';
import { GUARDRAIL_RULES } from '../guardrails/rules.js';
import { RULES } from './rules.js';
import { rulesMarkdown } from './rules-doc.js';

describe('rulesMarkdown', () => {
  it('has a row and a section per rule, scanner and guardrails alike', () => {
    const md = rulesMarkdown([...RULES, ...GUARDRAIL_RULES]);
    for (const r of [...RULES, ...GUARDRAIL_RULES]) {
      expect(md).toContain(`| ${r.id} | ${r.name} | ${r.severity} |`);
      expect(md).toContain(`### ${r.id} ${r.name}`);
    }
    expect(md.split('\n')[0]).toBe('| id | name | severity | reports |');
  });
});
