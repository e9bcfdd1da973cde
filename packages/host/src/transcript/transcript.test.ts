// Record a conversation against the LLM double and two real servers, then replay it with neither.
import { afterEach, describe, expect, it } from 'vitest';
import { connectedHost, everythingBin, provider, stdio, weatherBin } from '../../test-support/agent.js';
import { Agent } from '../agent/agent.js';
import { ToolApprovals } from '../agent/approvals.js';
import { LlmDouble, lastToolResults } from '../testing/index.js';
import type { TranscriptEntry } from './format.js';
import { recordTranscript } from './record.js';
import { replayTranscript } from './replay.js';

const SLOW = 60_000;
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const approvals = () => new ToolApprovals({ allowTools: ['get_weather', 'add', 'fail'] });

describe('transcripts', () => {
  it('a recorded conversation replays the same with no model and no servers', { timeout: SLOW }, async () => {
    const llm = await LlmDouble.start({
      turns: [
        { text: 'Looking.', toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Sydney' } }, { name: 'everything__add', arguments: { a: 4, b: 5 } }, { name: 'everything__fail' }] },
        (req) => ({ text: lastToolResults(req).map((r) => r.content.split(',')[0]).join(' / ') }),
      ],
    });
    const live = await connectedHost([stdio('everything', everythingBin), stdio('weather', weatherBin)]);
    cleanups.push(async () => {
      await live.close();
      await llm.close();
    });
    let text = '';
    const recorded = recordTranscript(provider('openai', llm), live, (line) => (text += line));
    const first = new Agent({ ...recorded, approvals: approvals() });
    const turn = await first.send('Sydney, 4+5, and fail; see @everything:demo://readme');
    expect(turn.text).toBe('Sydney / 9 / Error: This tool always fails');
    await llm.close();
    await live.close();

    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as TranscriptEntry);
    expect(lines.map((l) => l.kind).sort()).toEqual(['mcpkit-transcript', 'model', 'model', 'resource', 'tool', 'tool', 'tool']);
    const models = lines.filter((l) => l.kind === 'model');
    expect(models[0]!.catalogue!.map((t) => t.name)).toContain('weather__get_weather');
    expect(models[1]!.catalogue).toBeUndefined();

    const replayed = replayTranscript(text);
    const deltas: string[] = [];
    const second = new Agent({ ...replayed, approvals: approvals(), onEvent: (e) => e.type === 'text' && deltas.push(e.delta) });
    const again = await second.send('Sydney, 4+5, and fail; see @everything:demo://readme');
    expect(again.text).toBe(turn.text);
    expect(second.transcript).toEqual(first.transcript);
    expect(deltas).toEqual(['Looking.', 'Sydney / 9 / Error: This tool always fails']);
    await expect(second.send('and again?')).rejects.toMatchObject({ code: 'MCPKIT_PROTOCOL_VIOLATION', message: 'the transcript has no model answer 3: the conversation went another way than the recorded one' });
  });

  it('refuses a file that is not a transcript', () => {
    expect(() => replayTranscript('{"hello":1}\n')).toThrow('not an mcpkit transcript (version 1)');
    expect(() => replayTranscript('{"kind":"mcpkit-transcript","version":1,"provider":"x","model":"y"}\nnot json\n')).toThrow('transcript line 2 is not JSON');
  });
});
