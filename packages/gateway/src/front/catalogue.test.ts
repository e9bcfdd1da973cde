/**
 * The aggregated view and pinning verdicts: a blocked upstream is left out, and so is one pinning has not checked
 * yet (PENDING_VERDICT), so that a catalogue rebuilt for another upstream's sake never serves it unchecked.
 */
import { describe, expect, it } from 'vitest';
import type { Upstream } from '../upstream/upstream.js';
import { PENDING_VERDICT, type PinVerdict, buildCatalogue } from './catalogue.js';

function upstream(name: string): Upstream {
  const echo = { name: 'echo', inputSchema: { type: 'object' } };
  return { name, state: 'up', config: {}, catalogue: { tools: [echo], prompts: [], resources: [], templates: [] } } as unknown as Upstream;
}

describe('buildCatalogue with pinning verdicts', () => {
  const both = [upstream('good'), upstream('forged')];

  it('serves every listed upstream when pinning is off (no verdicts at all)', () => {
    expect([...buildCatalogue(both).tools.keys()]).toEqual(['good__echo', 'forged__echo']);
  });

  it('leaves out an upstream still waiting for its first check, and one that is blocked', () => {
    const checked: PinVerdict = { quarantine: new Map() };
    const pending = buildCatalogue(both, (name) => (name === 'good' ? checked : PENDING_VERDICT));
    expect([...pending.tools.keys()]).toEqual(['good__echo']);
    const blocked = buildCatalogue(both, (name) => (name === 'good' ? checked : { block: 'its signed manifest does not hold', quarantine: new Map() }));
    expect([...blocked.tools.keys()]).toEqual(['good__echo']);
    expect([...buildCatalogue(both, (name) => (name === 'forged' ? checked : PENDING_VERDICT)).tools.keys()]).toEqual(['forged__echo']);
  });
});
