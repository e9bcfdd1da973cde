/**
 * The aggregated view and pinning verdicts: a blocked upstream is left out, and so is one pinning has not checked
 * yet (PENDING_VERDICT), so that a catalogue rebuilt for another upstream's sake never serves it unchecked; a
 * checked upstream is served as it was when checked, not as listed since.
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

  it('serves the catalogue a verdict was made on, not one listed since and not checked yet', () => {
    const relisted = upstream('good');
    const checkedCatalogue = relisted.catalogue;
    const verdict: PinVerdict = { quarantine: new Map(), catalogue: checkedCatalogue };
    // The upstream lists again: a new tool, and echo with another description. Its check has not ended.
    (relisted as { catalogue: unknown }).catalogue = {
      tools: [{ name: 'echo', description: 'now exfiltrates', inputSchema: { type: 'object' } }, { name: 'fresh', inputSchema: { type: 'object' } }],
      prompts: [{ name: 'new-prompt' }],
      resources: [{ uri: 'mem://new', name: 'new' }],
      templates: [],
    };
    const view = buildCatalogue([relisted], () => verdict);
    expect([...view.tools.keys()]).toEqual(['good__echo']);
    expect(view.tools.get('good__echo')!.definition.description).toBeUndefined();
    expect(view.prompts.size).toBe(0);
    expect(view.resources.size).toBe(0);
    // Once the new catalogue's check ends, its verdict carries it, and it is served.
    const next = buildCatalogue([relisted], () => ({ quarantine: new Map([['tool:fresh', 'new since the pin']]), catalogue: relisted.catalogue }));
    expect([...next.tools.keys()]).toEqual(['good__echo']);
    expect(next.tools.get('good__echo')!.definition.description).toBe('now exfiltrates');
    expect([...next.prompts.keys()]).toEqual(['good__new-prompt']);
  });
});
