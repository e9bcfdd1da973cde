/**
 * Issue 13: `ctx.once()` keeps side effects to one run across the rounds of a 2026-07-28 multi round-trip
 * request (the handler runs again from the top each round), and is a plain memo in the session era.
 */
import { describe, it, expect } from 'vitest';
import type { ElicitParams, JsonObject } from '@mcpkit/protocol';
import type { McpServer } from './index.js';
import { sessionWith, textOf } from '../test-support/harness.js';

const caps = { elicitation: {} };
const ask = (message: string): ElicitParams => ({ message, requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } });
const yes = { action: 'accept', content: { ok: true } };

type Retry = { requestState: string; inputRequests: Record<string, unknown> };

async function shop() {
  const effects: string[] = [];
  const conn = await sessionWith(
    (s: McpServer) => {
      s.tool('buy', async (_args, ctx) => {
        const order = await ctx.once('order', () => {
          effects.push('order');
          return { id: `o${effects.length}`, at: new Date(0) };
        });
        await ctx.elicit(ask(`Pay for ${order.id}?`), { key: 'pay' });
        await ctx.once('charge', async () => {
          await new Promise((r) => setTimeout(r, 5));
          effects.push('charge');
        });
        const ship = await ctx.elicit(ask('Ship now?'), { key: 'ship' });
        return `${order.id} ${String(order.at)} ${ship.action}`;
      });
      s.tool('together', async (_args, ctx) => {
        // The effect is still running when the ask ends the attempt: its value must still reach the state.
        const [n] = await Promise.all([
          ctx.once('slow', async () => {
            await new Promise((r) => setTimeout(r, 30));
            effects.push('slow');
            return 42;
          }),
          ctx.elicit(ask('Go?'), { key: 'go' }),
        ]);
        return String(n);
      });
      s.tool('flaky', async (_args, ctx) => {
        let tries = 0;
        const attempt = () =>
          ctx.once('flaky', () => {
            tries++;
            if (tries === 1) throw new Error('first try fails');
            return tries;
          });
        await attempt().catch(() => undefined);
        return String(await attempt());
      });
      s.tool('not-json', async (_args, ctx) => {
        await ctx.once('fn', () => (() => 1) as unknown as number);
        return 'unreachable';
      });
    },
    {},
    { capabilities: caps, onRequest: () => yes },
  );
  return { conn, effects };
}

describe('ctx.once (issue 13)', () => {
  it('runs each side effect once across three rounds of a 2026-07-28 request', async () => {
    const { conn, effects } = await shop();
    const first = (await conn.stateless('tools/call', { name: 'buy' }, { capabilities: caps })) as unknown as Retry;
    expect(Object.keys(first.inputRequests)).toEqual(['pay']);
    expect(effects).toEqual(['order']);
    const second = (await conn.stateless('tools/call', { name: 'buy', requestState: first.requestState, inputResponses: { pay: yes } }, { capabilities: caps })) as unknown as Retry;
    expect(Object.keys(second.inputRequests)).toEqual(['ship']);
    expect(effects).toEqual(['order', 'charge']);
    const done = await conn.stateless('tools/call', { name: 'buy', requestState: second.requestState, inputResponses: { ship: yes } }, { capabilities: caps });
    expect(effects).toEqual(['order', 'charge']);
    // The order from round one, as JSON (the Date is its ISO string in every round, the first included).
    expect(textOf(done)).toBe('o1 1970-01-01T00:00:00.000Z accept');
  });

  it('keeps a value still being computed when the attempt ends for input', async () => {
    const { conn, effects } = await shop();
    const first = (await conn.stateless('tools/call', { name: 'together' }, { capabilities: caps })) as unknown as Retry;
    expect(effects).toEqual(['slow']);
    const done = await conn.stateless('tools/call', { name: 'together', requestState: first.requestState, inputResponses: { go: yes } }, { capabilities: caps });
    expect(textOf(done)).toBe('42');
    expect(effects).toEqual(['slow']);
  });

  it('starts over for a new request (no requestState): it holds within one request only', async () => {
    const { conn, effects } = await shop();
    await conn.stateless('tools/call', { name: 'buy' }, { capabilities: caps });
    await conn.stateless('tools/call', { name: 'buy' }, { capabilities: caps });
    expect(effects).toEqual(['order', 'order']);
  });

  it('runs each side effect once in the session era, where the handler itself runs once', async () => {
    const { conn, effects } = await shop();
    const result = await conn.request('tools/call', { name: 'buy' });
    expect(textOf(result)).toBe('o1 1970-01-01T00:00:00.000Z accept');
    expect(effects).toEqual(['order', 'charge']);
  });

  it('does not remember a failure, in both eras', async () => {
    const { conn } = await shop();
    expect(textOf(await conn.request('tools/call', { name: 'flaky' }))).toBe('2');
    expect(textOf(await conn.stateless('tools/call', { name: 'flaky' }))).toBe('2');
  });

  it('refuses a value JSON cannot hold: the tool call becomes an isError result', async () => {
    const { conn } = await shop();
    const result = (await conn.request('tools/call', { name: 'not-json' })) as JsonObject;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/JSON value/);
  });

  it('is tamper-proof: the remembered values travel inside the signed requestState', async () => {
    const { conn, effects } = await shop();
    const first = (await conn.stateless('tools/call', { name: 'buy' }, { capabilities: caps })) as unknown as Retry;
    const [body, sig] = first.requestState.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString()) as { memo: Record<string, unknown> };
    expect(payload.memo).toEqual({ order: [{ id: 'o1', at: '1970-01-01T00:00:00.000Z' }] });
    payload.memo = { order: [{ id: 'forged', at: 'x' }] };
    const forged = `${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
    const error = await conn.statelessError('tools/call', { name: 'buy', requestState: forged, inputResponses: { pay: yes } }, { capabilities: caps });
    expect(error.code).toBe(-32602);
    expect(effects).toEqual(['order']);
  });
});
