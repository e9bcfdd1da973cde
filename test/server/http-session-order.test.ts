/**
 * Session era over real HTTP: the messages of one request reach its POST stream in the order they were sent,
 * also when the first of them is what switches the answer to SSE. (Regression: a notification sent while the
 * stream was starting overtook the first one; found relaying an upstream's log messages through the gateway.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpServer } from '@mcpkit/server';
import { serveHttp, type HttpServerHandle } from '@mcpkit/server/node';
import { HttpSession } from '../helpers/http.js';

let handle: HttpServerHandle;

beforeAll(async () => {
  const server = new McpServer({ name: 'order', version: '1.0.0' });
  server.tool('burst', {}, async (_args, ctx) => {
    // Sent in one tick, none awaited: the first starts the SSE stream.
    for (let i = 1; i <= 5; i++) void ctx.log('info', `message ${i}`);
    await new Promise((r) => setImmediate(r));
    return { content: [{ type: 'text', text: 'done' }] };
  });
  handle = await serveHttp(server, { gracefulShutdown: false });
});

afterAll(() => handle.close());

describe('one POST stream keeps the order of its messages', () => {
  it('delivers five notifications sent in one tick, then the result, in order', async () => {
    const session = await HttpSession.open(handle.url);
    await session.request(1, 'logging/setLevel', { level: 'debug' });
    const { messages } = await session.request(2, 'tools/call', { name: 'burst', arguments: {} });
    const logs = messages.filter((m) => m.method === 'notifications/message').map((m) => (m.params as { data: string }).data);
    expect(logs).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);
    expect(messages.at(-1)).toMatchObject({ id: 2, result: { content: [{ text: 'done' }] } });
  });
});
