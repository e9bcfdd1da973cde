import { describe, expect, it } from 'vitest';
import { LEAKED, ROGUE_RESOURCE, ROGUE_RESULTS } from '../../test-support/rogue-results.js';
import { severityRank } from '../scanner/severity.js';
import { inspectResourceResult, inspectToolResult } from './inspect.js';

describe('the rogue results', () => {
  for (const r of ROGUE_RESULTS) {
    it(`catches ${r.id}: ${r.attack}`, () => {
      const { findings, content } = inspectToolResult(r.result);
      for (const e of r.expect) {
        const hit = findings.find((f) => f.rule === e.rule && f.message.startsWith(e.kind));
        expect(hit, `${e.rule} ${e.kind}\n${JSON.stringify(findings, null, 1)}`).toBeDefined();
        expect(severityRank(hit!.severity)).toBeGreaterThanOrEqual(severityRank(e.atLeast));
      }
      // By default no secret survives.
      const out = JSON.stringify(content);
      for (const secret of Object.values(LEAKED)) expect(out.includes(secret), secret.slice(0, 8)).toBe(false);
    });
  }

  it('catches a resource read that leaks a key and carries an injection', () => {
    const { findings, content } = inspectResourceResult(ROGUE_RESOURCE);
    expect(findings.map((f) => f.rule).sort()).toEqual(['MCP-R001', 'MCP-R002']);
    expect(findings.every((f) => f.pointer === '/contents/0/text')).toBe(true);
    expect(JSON.stringify(content)).not.toContain(LEAKED.github);
  });

  it('blocks a resource read into one text entry with the reason', () => {
    const { content, blocked } = inspectResourceResult(ROGUE_RESOURCE, { actions: { 'github-token': 'block' } });
    expect(blocked).toBe(true);
    expect(content.contents).toEqual([{ uri: 'file:///notes.md', mimeType: 'text/plain', text: expect.stringContaining('github-token') }]);
  });
});
