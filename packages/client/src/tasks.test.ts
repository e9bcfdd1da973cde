/**
 * Tool calls as tasks (tasks extension, 2026-07-28; issue 13) against a real McpServer: status transitions,
 * the result, input requests answered through tasks/update, cancellation, and servers without tasks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type CallToolResult, CancelledError, McpkitError, ProtocolError, type TextContent } from '@mcpkit/protocol';
import { McpServer } from '@mcpkit/server';
import { TASKS_EXTENSION, type TaskState, TasksUnsupportedError } from './index.js';
import { closeAll, connectTo, requestsFor } from '../test-support/harness.js';

afterEach(closeAll);

const text = (r: CallToolResult): string => (r.content[0] as TextContent).text;

/** A server with task tools; `release()` lets `slow` finish. */
function taskServer(pollIntervalMs = 10) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const signals: AbortSignal[] = [];
  const server = new McpServer({ name: 'tasks', version: '1' }, { tasks: { pollIntervalMs }, onError: () => undefined });
  server.tool('slow', { task: 'optional' }, async (_args, ctx) => {
    signals.push(ctx.signal);
    await gate;
    return { content: [{ type: 'text', text: 'done' }] };
  });
  server.tool('ask', { task: 'optional' }, async (_args, ctx) => {
    const answer = await ctx.elicit({ message: 'Proceed?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } }, { key: 'proceed' });
    return { content: [{ type: 'text', text: JSON.stringify(answer.content) }] };
  });
  server.tool('fails', { task: 'optional' }, () => {
    throw new ProtocolError(-32050, 'backend unavailable');
  });
  server.tool('plain', {}, () => ({ content: [{ type: 'text', text: 'plain' }] }));
  return { server, release, signals };
}

describe('Client.callToolAsTask (issue 13)', () => {
  it('starts a task, reports working then completed, and resolves with the result', async () => {
    const { server, release } = taskServer();
    const { client, sent } = await connectTo(server);
    const task = await client.callToolAsTask('slow');
    expect(task.taskId).toEqual(expect.any(String));
    expect(task.state.status).toBe('working');
    expect((await task.status()).status).toBe('working');
    const seen: TaskState[] = [];
    const waiting = task.wait({ onStatus: (s) => seen.push(s) });
    setTimeout(release, 50);
    expect(text(await waiting)).toBe('done');
    expect(seen.map((s) => s.status)).toEqual(['working', 'completed']);
    // Only the task requests declare the extension.
    const call = requestsFor(sent, 'tools/call').at(-1)!;
    expect((call.params?._meta as Record<string, { extensions?: object }>)['io.modelcontextprotocol/clientCapabilities']?.extensions).toHaveProperty([TASKS_EXTENSION]);
    expect(requestsFor(sent, 'tasks/get').length).toBeGreaterThan(0);
  });

  it('result() waits for the end like wait()', async () => {
    const { server, release } = taskServer();
    const { client } = await connectTo(server);
    const task = await client.callToolAsTask('slow');
    release();
    expect(text(await task.result())).toBe('done');
  });

  it('plain callTool on a task-capable tool still runs it at once', async () => {
    const { server, release } = taskServer();
    const { client } = await connectTo(server);
    release();
    expect(text(await client.callTool('slow'))).toBe('done');
  });

  it('cancels the task at the server: its handler is aborted and wait() rejects with MCPKIT_CANCELLED', async () => {
    const { server, signals } = taskServer();
    const { client } = await connectTo(server);
    const task = await client.callToolAsTask('slow');
    const waiting = task.wait();
    await new Promise((r) => setTimeout(r, 20));
    expect((await task.cancel()).status).toBe('cancelled');
    await expect(waiting).rejects.toBeInstanceOf(CancelledError);
    expect(signals[0]?.aborted).toBe(true);
  });

  it('stops waiting on abort without cancelling the task', async () => {
    const { server } = taskServer();
    const { client } = await connectTo(server);
    const task = await client.callToolAsTask('slow');
    const controller = new AbortController();
    const waiting = task.wait({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'MCPKIT_CANCELLED' });
    expect((await task.status()).status).toBe('working');
  });

  it('answers the task input requests with the client handlers through tasks/update', async () => {
    const { server } = taskServer();
    const { client, sent } = await connectTo(server, { handlers: { elicitation: () => ({ action: 'accept', content: { ok: true } }) } });
    const task = await client.callToolAsTask('ask');
    const statuses: string[] = [];
    expect(JSON.parse(text(await task.wait({ onStatus: (s) => statuses.push(s.status) })))).toEqual({ ok: true });
    expect(statuses).toContain('input_required');
    expect(requestsFor(sent, 'tasks/update')).toHaveLength(1);
  });

  it('rejects with the task error as a ProtocolError when the task failed', async () => {
    const { server } = taskServer();
    const { client } = await connectTo(server);
    const task = await client.callToolAsTask('fails');
    await expect(task.wait()).rejects.toMatchObject({ name: 'ProtocolError', code: -32050, message: 'backend unavailable' });
  });

  it('gives an already completed handle when the server runs the tool at once', async () => {
    const { server } = taskServer();
    const { client } = await connectTo(server);
    const task = await client.callToolAsTask('plain');
    expect(task.taskId).toBeUndefined();
    expect(task.state.status).toBe('completed');
    expect(text(await task.result())).toBe('plain');
  });

  it('learns the tools first and checks a task result against the outputSchema like callTool', async () => {
    const server = new McpServer({ name: 'typed', version: '1' }, { tasks: { pollIntervalMs: 10 } });
    const outputSchema = { type: 'object' as const, properties: { n: { type: 'number' as const } }, required: ['n'] };
    server.tool('count', { task: 'optional', outputSchema }, () => ({ content: [{ type: 'text', text: '3' }], structuredContent: { n: 3 } }));
    const { client, sent } = await connectTo(server);
    const task = await client.callToolAsTask('count');
    expect((await task.result()).structuredContent).toEqual({ n: 3 });
    expect(requestsFor(sent, 'tools/list')).toHaveLength(1);
  });

  it('throws MCPKIT_TASKS_UNSUPPORTED in the session era', async () => {
    const { server } = taskServer();
    const { client } = await connectTo(server, { protocolVersion: '2025-11-25' });
    const error = await client.callToolAsTask('slow').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TasksUnsupportedError);
    expect(error).toBeInstanceOf(McpkitError);
    expect((error as McpkitError).code).toBe('MCPKIT_TASKS_UNSUPPORTED');
    expect((error as Error).message).toContain('session era');
  });

  it('throws MCPKIT_TASKS_UNSUPPORTED for a 2026-07-28 server without task tools', async () => {
    const server = new McpServer({ name: 'plain', version: '1' });
    server.tool('plain', {}, () => ({ content: [] }));
    const { client, sent } = await connectTo(server);
    await expect(client.callToolAsTask('plain')).rejects.toMatchObject({ code: 'MCPKIT_TASKS_UNSUPPORTED' });
    expect(requestsFor(sent, 'tools/call')).toHaveLength(0);
  });
});
