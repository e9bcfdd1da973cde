// Fitting the context: tool search for big catalogues, and @server:uri mentions, against the everything and
// weather servers over stdio.
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, type ScriptedTurn, lastToolResults, offeredTools } from '../testing/index.js';
import { Agent } from './agent.js';
import { ToolApprovals } from './approvals.js';
import { connectedHost, everythingBin, provider, stdio, weatherBin } from '../../test-support/agent.js';

const SLOW = 60_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function setup(turns: ScriptedTurn[]) {
  const llm = await LlmDouble.start({ turns });
  const host = await connectedHost([stdio('everything', everythingBin), stdio('weather', weatherBin)]);
  cleanups.push(async () => {
    await host.close();
    await llm.close();
  });
  return { llm, host };
}

describe('tool search', () => {
  it('a catalogue past the limit is offered as search_tools; a search loads the matches for the next request', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([
      { toolCalls: [{ name: 'search_tools', arguments: { query: 'forecast' } }] },
      { toolCalls: [{ name: 'weather__get_forecast', arguments: { city: 'Lima', days: 1 } }] },
      (req) => ({ text: lastToolResults(req)[0]!.content.split('\n')[0]! }),
    ]);
    const agent = new Agent({ host, provider: provider('anthropic', llm), toolSearch: { maxTools: 5 }, approvals: new ToolApprovals({ allowTools: ['get_forecast'] }) });
    const turn = await agent.send('Forecast for Lima?');
    expect(host.tools().length).toBeGreaterThan(5);
    expect(offeredTools(llm.requests[0]!)).toEqual(['search_tools']);
    expect(lastToolResults(llm.requests[1]!)[0]!.content).toBe(
      `These tools can now be called:\n- weather__get_forecast: Forecast: A forecast of 1 to 7 days for a city, starting today (day 0); demo data, always the same. (server weather)`,
    );
    expect(offeredTools(llm.requests[1]!)).toEqual(['search_tools', 'weather__get_forecast']);
    expect(turn.text).toBe('Lima, PE, 1-day forecast:');
    expect(turn.toolCalls).toBe(2);
  });

  it('a catalogue under the limit is sent whole; toolSearch: false always sends it whole', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([{ text: 'a' }, { text: 'b' }]);
    await new Agent({ host, provider: provider('openai', llm) }).send('p');
    await new Agent({ host, provider: provider('openai', llm), toolSearch: false }).send('p');
    const all = host.tools().map((t) => t.name);
    expect(offeredTools(llm.requests[0]!)).toEqual(all);
    expect(offeredTools(llm.requests[1]!)).toEqual(all);
  });
});

describe('@server:uri mentions', () => {
  it('attaches the resources a message names; unknown servers are left alone, unreadable URIs are noted', { timeout: SLOW }, async () => {
    const { llm, host } = await setup([{ text: 'ok' }]);
    await new Agent({ host, provider: provider('anthropic', llm) }).send('Summarise @everything:demo://readme. Mail me@example.com, and @everything:demo://nope too.');
    const [message] = llm.requests[0]!.body.messages as Array<{ content: Array<{ type: string; text: string }> }>;
    expect(message!.content).toHaveLength(3);
    expect(message!.content[1]!.text).toBe('<resource server="everything" uri="demo://readme">\n# mcpkit everything\nA demo of every MCP feature.\n</resource>');
    expect(message!.content[2]!.text).toMatch(/^\(The resource @everything:demo:\/\/nope could not be read: /);
  });
});
