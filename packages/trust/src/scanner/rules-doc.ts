/**
 * Markdown for docs/trust.md generated from a rule registry, so the docs and the rules cannot drift apart.
 * @module
 */
import type { RuleInfo } from './rules.js';

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/**
 * A table (id, name, severity, what it reports) followed by one section per rule with what it catches and misses.
 * @example
 * const md = rulesMarkdown([...RULES, ...GUARDRAIL_RULES]);
 */
export function rulesMarkdown(rules: readonly RuleInfo[]): string {
  const lines = ['| id | name | severity | reports |', '| --- | --- | --- | --- |'];
  for (const r of rules) lines.push(`| ${r.id} | ${r.name} | ${r.severity} | ${cell(r.summary)} |`);
  for (const r of rules) {
    lines.push('', `### ${r.id} ${r.name} (${r.severity})`, '', r.summary, '', `- Catches: ${r.catches}`, `- Misses: ${r.misses}`);
    if (r.severityNote) lines.push(`- Severity: ${r.severityNote}`);
  }
  return `${lines.join('\n')}\n`;
}
