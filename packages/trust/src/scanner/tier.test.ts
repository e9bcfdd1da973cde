import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../snapshot.js';
import { type TierInput, computeTier, explainTier } from './tier.js';

const at = (severity?: Severity): Finding[] => (severity ? [{ rule: 'MCP-I001', severity, message: '' }] : []);

describe('computeTier', () => {
  const table: [TierInput['auth'], TierInput['signature'], Severity | undefined, string][] = [
    ['present', 'valid', undefined, 'trusted'],
    ['present', 'valid', 'low', 'trusted'],
    ['present', 'valid', 'medium', 'verified'],
    ['unknown', 'valid', undefined, 'verified'],
    ['none', 'valid', 'low', 'verified'],
    ['present', 'absent', undefined, 'unverified'],
    ['unknown', 'absent', 'medium', 'unverified'],
    ['none', 'absent', 'medium', 'suspicious'],
    ['present', 'valid', 'high', 'suspicious'],
    ['unknown', 'absent', 'high', 'suspicious'],
    ['none', 'absent', 'high', 'untrusted'],
    ['present', 'valid', 'critical', 'untrusted'],
    ['present', 'invalid', undefined, 'untrusted'],
  ];
  for (const [auth, signature, max, tier] of table) {
    it(`auth ${auth}, signature ${signature}, max ${max ?? 'none'} → ${tier}`, () => {
      expect(computeTier({ auth, signature, findings: at(max) })).toBe(tier);
    });
  }

  it('says why', () => {
    expect(explainTier({ auth: 'none', signature: 'absent', findings: at('high') }).reason).toMatch(/no authentication and suspicious behaviour/);
  });
});
