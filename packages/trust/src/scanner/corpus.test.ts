import { describe, expect, it } from 'vitest';
import { ROGUE_CASES } from '../../test-support/rogue-snapshots.js';
import { scanSnapshots } from './scan.js';
import { severityRank } from './severity.js';

describe('the rogue corpus', () => {
  for (const c of ROGUE_CASES) {
    it(`catches ${c.id}: ${c.attack}`, () => {
      const findings = scanSnapshots(c.snapshots);
      for (const e of c.expect) {
        const hit = findings.find(
          (f) => f.rule === e.rule && f.server === e.server && (e.tool === undefined || f.tool === e.tool) && (e.pointer === undefined || f.pointer === e.pointer),
        );
        expect(hit, `${e.rule} on ${e.server}/${e.tool ?? ''}${e.pointer ?? ''}\n${JSON.stringify(findings, null, 1)}`).toBeDefined();
        expect(severityRank(hit!.severity), `${e.rule} severity`).toBeGreaterThanOrEqual(severityRank(e.atLeast));
      }
    });
  }
});

describe('the hand-written benign fixtures', () => {
  it('produce no finding at high or above, alone or together', async () => {
    const { BENIGN_SNAPSHOTS } = await import('../../test-support/benign-snapshots.js');
    const { atOrAbove } = await import('./severity.js');
    const { formatFindings } = await import('./format.js');
    for (const s of BENIGN_SNAPSHOTS) expect(atOrAbove(scanSnapshots([s]), 'high'), formatFindings(scanSnapshots([s]))).toEqual([]);
    const together = scanSnapshots(BENIGN_SNAPSHOTS);
    expect(atOrAbove(together, 'high'), formatFindings(together)).toEqual([]);
    console.log(`[scanner] benign fixtures:\n${formatFindings(together)}`);
  });
});

describe('poison in other words', () => {
  it('catches every phrasing variant at its expected rule and severity', async () => {
    const { POISON_PHRASES } = await import('../../test-support/rogue-snapshots.js');
    const missed: string[] = [];
    for (const p of POISON_PHRASES) {
      const findings = scanSnapshots([{ name: 's', tools: [{ name: 'tool_x', description: p.text, inputSchema: { type: 'object' } }], prompts: [], resourceTemplates: [] }]);
      const hit = findings.find((f) => f.rule === p.rule && severityRank(f.severity) >= severityRank(p.atLeast));
      if (!hit) missed.push(`${p.rule}≥${p.atLeast}: ${p.text}\n  got ${findings.map((f) => `${f.rule}:${f.severity}`).join(', ') || 'nothing'}`);
    }
    expect(missed).toEqual([]);
  });
});
