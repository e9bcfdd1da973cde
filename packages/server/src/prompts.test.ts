import { describe, it, expect, expectTypeOf } from 'vitest';
import { z } from 'zod';
import { ErrorCode, type GetPromptResult } from '@mcpkit/protocol';
import { createServer, sessionWith } from '../test-support/harness.js';

function say(args: Record<string, string>): GetPromptResult {
  return { messages: [{ role: 'user', content: { type: 'text', text: JSON.stringify(args) } }] };
}

describe('prompts: argument declarations (array form)', () => {
  const setup = () =>
    sessionWith((s) =>
      s.prompt(
        'review',
        {
          description: 'Review code',
          arguments: [
            { name: 'code', description: 'the code', required: true },
            { name: 'style', required: false },
          ],
        },
        say,
      ),
    );

  it('lists the declared arguments', async () => {
    const conn = await setup();
    expect(await conn.request('prompts/list')).toEqual({
      prompts: [
        {
          name: 'review',
          description: 'Review code',
          arguments: [
            { name: 'code', description: 'the code', required: true },
            { name: 'style', required: false },
          ],
        },
      ],
    });
  });

  it('passes the arguments to the handler', async () => {
    const conn = await setup();
    const result = await conn.request('prompts/get', { name: 'review', arguments: { code: 'x = 1', style: 'terse' } });
    expect(result).toEqual(say({ code: 'x = 1', style: 'terse' }));
  });

  it('answers a missing required argument with -32602 naming it', async () => {
    const conn = await setup();
    const error = await conn.error('prompts/get', { name: 'review', arguments: { style: 'terse' } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.arguments.code');
  });

  it('answers absent arguments with -32602 when one is required', async () => {
    const conn = await setup();
    const error = await conn.error('prompts/get', { name: 'review' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('code');
  });

  it('answers a non-string argument with -32602 naming it', async () => {
    const conn = await setup();
    const error = await conn.error('prompts/get', { name: 'review', arguments: { code: 42 } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.arguments.code');
  });

  it('answers arguments that are not an object with -32602', async () => {
    const conn = await setup();
    const error = await conn.error('prompts/get', { name: 'review', arguments: ['x'] });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.arguments');
  });
});

describe('prompts: zod shape arguments', () => {
  const setup = () =>
    sessionWith((s) =>
      s.prompt('summarize', { arguments: { topic: z.string().describe('what about'), tone: z.string().optional() } }, say),
    );

  it('lists arguments derived from the shape, optional members not required', async () => {
    const conn = await setup();
    const { prompts } = (await conn.request('prompts/list')) as { prompts: Array<{ arguments?: unknown }> };
    expect(prompts[0]?.arguments).toEqual([
      { name: 'topic', description: 'what about', required: true },
      { name: 'tone', required: false },
    ]);
  });

  it('validates and passes the arguments', async () => {
    const conn = await setup();
    expect(await conn.request('prompts/get', { name: 'summarize', arguments: { topic: 'cats' } })).toEqual(say({ topic: 'cats' }));
  });

  it('answers a missing required argument with -32602 naming it', async () => {
    const conn = await setup();
    const error = await conn.error('prompts/get', { name: 'summarize', arguments: { tone: 'dry' } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('topic');
  });

  it('answers a value the schema refuses with -32602 naming it', async () => {
    const conn = await sessionWith((s) => s.prompt('pick', { arguments: { color: z.enum(['red', 'blue']) } }, say));
    const error = await conn.error('prompts/get', { name: 'pick', arguments: { color: 'green' } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('color');
  });

  it('answers a non-string argument with -32602 naming it', async () => {
    const conn = await setup();
    const error = await conn.error('prompts/get', { name: 'summarize', arguments: { topic: true } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.arguments.topic');
  });
});

describe('prompts/get', () => {
  it('answers an unknown prompt with -32602 naming params.name', async () => {
    const conn = await sessionWith((s) => s.prompt('known', {}, say));
    const error = await conn.error('prompts/get', { name: 'unknown' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.name');
  });

  it('answers a missing name with -32602', async () => {
    const conn = await sessionWith((s) => s.prompt('known', {}, say));
    const error = await conn.error('prompts/get', {});
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.name');
  });

  it('answers a handler result without messages with -32603', async () => {
    const conn = await sessionWith((s) => s.prompt('broken', {}, () => ({}) as GetPromptResult));
    const error = await conn.error('prompts/get', { name: 'broken' });
    expect(error.code).toBe(ErrorCode.InternalError);
  });

  it('serves prompts in the stateless era', async () => {
    const conn = await sessionWith((s) => s.prompt('hello', { arguments: [{ name: 'who', required: true }] }, say));
    const result = await conn.stateless('prompts/get', { name: 'hello', arguments: { who: 'world' } });
    expect(result).toMatchObject({ ...say({ who: 'world' }), resultType: 'complete' });
    const error = await conn.statelessError('prompts/get', { name: 'hello' });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('who');
  });
});

describe('prompts: arguments typed from their shape (issue 13)', () => {
  it('gives the handler the shape\'s output types, validated, in both eras', async () => {
    const conn = await sessionWith((s) =>
      s.prompt('count', { arguments: { word: z.string(), times: z.string().transform(Number).optional() } }, ({ word, times }) => {
        expectTypeOf(word).toEqualTypeOf<string>();
        expectTypeOf(times).toEqualTypeOf<number | undefined>();
        return { messages: [{ role: 'user', content: { type: 'text', text: word.repeat(times ?? 1) } }] };
      }),
    );
    const text = (r: Record<string, unknown>) => (r.messages as Array<{ content: { text: string } }>)[0]?.content.text;
    expect(text(await conn.request('prompts/get', { name: 'count', arguments: { word: 'ab', times: '3' } }))).toBe('ababab');
    expect(text(await conn.stateless('prompts/get', { name: 'count', arguments: { word: 'x' } }))).toBe('x');
    expect((await conn.error('prompts/get', { name: 'count', arguments: {} })).code).toBe(ErrorCode.InvalidParams);
  });

  it('keeps string arguments for the array form', () => {
    const { server } = createServer();
    server.prompt('plain', { arguments: [{ name: 'a', required: true }] }, (args) => {
      expectTypeOf(args).toEqualTypeOf<Record<string, string>>();
      return say(args);
    });
    expect(server.core.prompts.size).toBe(1);
  });
});
