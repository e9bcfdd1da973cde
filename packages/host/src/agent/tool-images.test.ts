// Images a tool returns reach the model as images (both providers), within a byte budget; audio and images past the
// budget are described. Against the LLM double and the everything server over stdio.
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, lastToolResults } from '../testing/index.js';
import { connectedHost, everythingBin, provider, stdio } from '../../test-support/agent.js';
import { runAgent } from './agent.js';
import { ToolApprovals } from './approvals.js';
import { resultForModel } from './tool-output.js';

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe.each(['anthropic', 'openai'] as const)('tool results with images (%s)', (api) => {
  it('an image from a tool is sent to the model as an image; audio is described', { timeout: 60_000 }, async () => {
    const llm = await LlmDouble.start({
      turns: [{ toolCalls: [{ name: 'everything__get_image' }, { name: 'everything__get_audio' }] }, (req) => ({ text: lastToolResults(req).map((r) => r.content).join(' | ') })],
    });
    cleanups.push(() => llm.close());
    const host = await connectedHost([stdio('everything', everythingBin)]);
    cleanups.push(() => host.close());
    const turn = await runAgent({ host, provider: provider(api, llm), prompt: 'Show me', approvals: new ToolApprovals({ allowTools: ['get_image', 'get_audio'] }) });
    const messages = llm.requests[1]!.body.messages as Array<Record<string, any>>;
    if (api === 'anthropic') {
      const [image, audio] = messages.at(-1)!.content as Array<Record<string, any>>;
      expect(image).toEqual({
        type: 'tool_result',
        tool_use_id: expect.any(String),
        content: [{ type: 'text', text: '[image image/png, 70 bytes, attached]' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_1X1 } }],
      });
      expect(audio!.content).toMatch(/^\[audio audio\/wav, \d+ bytes, not shown\]$/);
    } else {
      expect(messages.slice(-3).map((m) => m.role)).toEqual(['tool', 'tool', 'user']);
      expect(messages.at(-3)!.content).toBe('[image image/png, 70 bytes, attached]\n[1 image from this result follow in the next user message]');
      expect(messages.at(-1)!.content).toEqual([{ type: 'text', text: `Images returned by tool call ${String(messages.at(-3)!.tool_call_id)}:` }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1X1}` } }]);
    }
    expect(turn.text).toContain('[image image/png, 70 bytes, attached]');
  });
});

describe('resultForModel', () => {
  it('attaches the images the APIs take while they fit the budget, and describes the rest', () => {
    const image = (mimeType: string, data = PNG_1X1) => ({ type: 'image' as const, data, mimeType });
    const result = { content: [{ type: 'text' as const, text: 'two pictures' }, image('image/png'), image('image/bmp'), image('image/jpeg')] };
    const all = resultForModel(result, 1_000);
    expect(all.images.map((i) => i.mimeType)).toEqual(['image/png', 'image/jpeg']);
    expect(all.text).toBe('two pictures\n[image image/png, 70 bytes, attached]\n[image image/bmp, 70 bytes, not shown]\n[image image/jpeg, 70 bytes, attached]');
    const one = resultForModel(result, 139);
    expect(one.images).toHaveLength(1);
    expect(one.text).toContain('[image image/jpeg, 70 bytes, not shown]');
    expect(resultForModel(result, 0).images).toEqual([]);
  });
});
