import { describe, expect, it } from 'vitest';
import { promptArguments, promptParts } from './prompts.js';

describe('prompts as commands', () => {
  it('parses key=value arguments, quoted values included', () => {
    expect(promptArguments('name=Ada style="very formal" note="say \\"hi\\""')).toEqual({ name: 'Ada', style: 'very formal', note: 'say "hi"' });
    expect(promptArguments('')).toEqual({});
    expect(promptArguments('name Ada')).toEqual({ problem: 'expected key=value at "name Ada"' });
  });

  it('turns prompt messages into text parts', () => {
    expect(
      promptParts({
        messages: [
          { role: 'user', content: { type: 'image', data: 'AAAA', mimeType: 'image/png' } },
          { role: 'assistant', content: { type: 'text', text: 'Sure.' } },
          { role: 'user', content: { type: 'text', text: 'Describe it.' } },
        ],
      }),
    ).toEqual([
      { type: 'text', text: '[image image/png, 3 bytes, not shown]' },
      { type: 'text', text: '(assistant) Sure.' },
      { type: 'text', text: 'Describe it.' },
    ]);
  });
});
