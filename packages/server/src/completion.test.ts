import { describe, it, expect } from 'vitest';
import { ErrorCode } from '@mcpkit/protocol';
import type { Completer } from './index.js';
import { sessionWith } from '../test-support/harness.js';

const languages = ['go', 'javascript', 'python', 'rust', 'typescript'];
const byPrefix: Completer = (value) => languages.filter((l) => l.startsWith(value));
const read = (uri: string) => ({ contents: [{ uri, text: '' }] });

function setup(complete: Record<string, Completer> = { language: byPrefix }) {
  return sessionWith((s) => {
    s.prompt('explain', { arguments: [{ name: 'language', required: true }, { name: 'topic' }], complete }, () => ({ messages: [] }));
    s.resourceTemplate('repo', 'repo://{owner}/{name}', { complete: { owner: (v) => ['acme', 'apache', 'zeta'].filter((o) => o.startsWith(v)) } }, read);
  });
}

describe('completion/complete', () => {
  it('advertises the completions capability when a completer exists', async () => {
    const conn = await sessionWith((s) => s.prompt('p', { complete: { a: () => [] } }, () => ({ messages: [] })));
    const stateless = await conn.stateless('server/discover');
    expect(stateless.capabilities).toHaveProperty('completions');
  });

  it('completes a prompt argument', async () => {
    const conn = await setup();
    const result = await conn.request('completion/complete', { ref: { type: 'ref/prompt', name: 'explain' }, argument: { name: 'language', value: 'ty' } });
    expect(result).toEqual({ completion: { values: ['typescript'], total: 1, hasMore: false } });
  });

  it('completes a resource template variable', async () => {
    const conn = await setup();
    const result = await conn.request('completion/complete', { ref: { type: 'ref/resource', uri: 'repo://{owner}/{name}' }, argument: { name: 'owner', value: 'a' } });
    expect(result).toEqual({ completion: { values: ['acme', 'apache'], total: 2, hasMore: false } });
  });

  it('passes already-resolved arguments from context to the completer', async () => {
    let seen: unknown;
    const conn = await setup({
      topic: (_value, context) => {
        seen = context.arguments;
        return [];
      },
    });
    await conn.request('completion/complete', {
      ref: { type: 'ref/prompt', name: 'explain' },
      argument: { name: 'topic', value: '' },
      context: { arguments: { language: 'rust' } },
    });
    expect(seen).toEqual({ language: 'rust' });
  });

  it('caps values at 100 and reports total and hasMore', async () => {
    const many = Array.from({ length: 250 }, (_, i) => `v${i}`);
    const conn = await setup({ language: () => many });
    const result = (await conn.request('completion/complete', { ref: { type: 'ref/prompt', name: 'explain' }, argument: { name: 'language', value: '' } })) as {
      completion: { values: string[]; total: number; hasMore: boolean };
    };
    expect(result.completion.values).toEqual(many.slice(0, 100));
    expect(result.completion.total).toBe(250);
    expect(result.completion.hasMore).toBe(true);
  });

  it('does not set hasMore at exactly 100 values', async () => {
    const hundred = Array.from({ length: 100 }, (_, i) => `v${i}`);
    const conn = await setup({ language: () => hundred });
    const result = await conn.request('completion/complete', { ref: { type: 'ref/prompt', name: 'explain' }, argument: { name: 'language', value: '' } });
    expect(result).toEqual({ completion: { values: hundred, total: 100, hasMore: false } });
  });

  it('answers an argument without a completer with no values', async () => {
    const conn = await setup();
    const result = await conn.request('completion/complete', { ref: { type: 'ref/prompt', name: 'explain' }, argument: { name: 'topic', value: 'x' } });
    expect(result).toEqual({ completion: { values: [], hasMore: false } });
  });

  it('answers an unknown prompt with -32602 naming params.ref.name', async () => {
    const conn = await setup();
    const error = await conn.error('completion/complete', { ref: { type: 'ref/prompt', name: 'nope' }, argument: { name: 'language', value: '' } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.ref.name');
  });

  it('answers an unknown template with -32602 naming params.ref.uri', async () => {
    const conn = await setup();
    const error = await conn.error('completion/complete', { ref: { type: 'ref/resource', uri: 'repo://{nope}' }, argument: { name: 'owner', value: '' } });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.ref.uri');
  });

  it.each([
    ['an unknown ref type', { ref: { type: 'ref/tool', name: 'x' }, argument: { name: 'a', value: '' } }, 'params.ref.type'],
    ['no ref', { argument: { name: 'a', value: '' } }, 'params.ref'],
    ['no argument name', { ref: { type: 'ref/prompt', name: 'explain' }, argument: { value: '' } }, 'params.argument.name'],
  ])('answers %s with -32602', async (_label, params, field) => {
    const conn = await setup();
    const error = await conn.error('completion/complete', params);
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain(field);
  });

  it('completes in the stateless era', async () => {
    const conn = await setup();
    const result = await conn.stateless('completion/complete', { ref: { type: 'ref/prompt', name: 'explain' }, argument: { name: 'language', value: 'py' } });
    expect(result).toMatchObject({ completion: { values: ['python'], total: 1, hasMore: false }, resultType: 'complete' });
  });
});
