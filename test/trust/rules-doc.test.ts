// docs/trust-rules.md is generated from the scanner's and the guardrails' rule registries, so the docs cannot drift
// from the code. After changing a rule: MCPKIT_UPDATE_DOCS=1 npx vitest run test/trust/rules-doc.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GUARDRAIL_RULES, RULES, rulesMarkdown } from '@mcpkit/trust';

const DOC = fileURLToPath(new URL('../../docs/trust-rules.md', import.meta.url));
const HEADER = `# Trust rules: the scanner and the response guardrails

<!-- Generated from RULES and GUARDRAIL_RULES in @mcpkit/trust by rulesMarkdown(); do not edit by hand. -->

Every finding of \`mcpkit scan\` (rules MCP-U, -I, -S, -E, -X, -A, -O) and of the response guardrails (MCP-R) names
one of these rules. Each says what it reports, its default severity, and what it catches and misses. See
[trust.md](trust.md) for the threat model, pinning and signed manifests.

`;

describe('docs/trust-rules.md', () => {
  it('is the rule registry rendered', () => {
    const markdown = HEADER + rulesMarkdown([...RULES, ...GUARDRAIL_RULES]);
    if (process.env.MCPKIT_UPDATE_DOCS === '1') writeFileSync(DOC, markdown);
    expect(readFileSync(DOC, 'utf8'), 'docs/trust-rules.md is stale: run with MCPKIT_UPDATE_DOCS=1').toBe(markdown);
  });
});
