import { describe, it, expect } from 'vitest';
import { ErrorCode, ProtocolError, type JsonObject } from '@mcpkit/protocol';
import type { McpServer, McpServerOptions } from './index.js';
import { TASKS_EXTENSION, deferred, sessionWith, textOf } from '../test-support/harness.js';

const withTasks = { extensions: { [TASKS_EXTENSION]: {} } };
const withTasksAndElicitation = { ...withTasks, elicitation: {} };
const form = { message: 'Proceed?', requestedSchema: { type: 'object' as const, properties: { ok: { type: 'boolean' as const } } } };

/** Tools for the task tests; `gate` holds `slow` until the test releases it. */
async function taskServer(options: McpServerOptions = {}) {
  const gate = deferred();
  const signals: AbortSignal[] = [];
  const conn = await sessionWith((s: McpServer) => {
    s.tool('slow', { task: 'optional' }, async (_args, ctx) => {
      signals.push(ctx.signal);
      await gate.promise;
      return { content: [{ type: 'text', text: 'done' }] };
    });
    s.tool('quick', { task: 'optional' }, () => ({ content: [{ type: 'text', text: 'quick' }] }));
    s.tool('must', { task: 'required' }, () => ({ content: [{ type: 'text', text: 'must' }] }));
    s.tool('ask', { task: 'optional' }, async (_args, ctx) => {
      const answer = await ctx.elicit(form, { key: 'proceed' });
      return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
    });
    s.tool('fails', { task: 'optional' }, () => {
      throw new ProtocolError(-32050, 'backend unavailable');
    });
    s.tool('plain', {}, () => ({ content: [] }));
  }, { onError: () => {}, ...options });
  return { conn, gate, signals };
}

type CreateTaskResult = { resultType: string; taskId: string; status: string; createdAt: string; lastUpdatedAt: string; ttlMs: number; pollIntervalMs: number };

/** Checks a CreateTaskResult. A tool that asks at once may already be waiting for input when the result is built. */
function expectCreated(result: JsonObject, statuses: string[] = ['working']): CreateTaskResult {
  expect(result.resultType).toBe('task');
  expect(typeof result.taskId).toBe('string');
  expect((result.taskId as string).length).toBeGreaterThan(0);
  expect(statuses).toContain(result.status);
  expect(new Date(result.createdAt as string).toISOString()).toBe(result.createdAt);
  expect(Number.isInteger(result.ttlMs)).toBe(true);
  expect(Number.isInteger(result.pollIntervalMs)).toBe(true);
  expect(result).not.toHaveProperty('result');
  return result as unknown as CreateTaskResult;
}

describe('tasks: starting', () => {
  it('runs an optional task tool synchronously when the client did not declare the extension', async () => {
    const { conn } = await taskServer();
    const result = await conn.stateless('tools/call', { name: 'quick' });
    expect(result.resultType).toBe('complete');
    expect(textOf(result)).toBe('quick');
  });

  it('returns a CreateTaskResult when the client declared the extension', async () => {
    const { conn } = await taskServer({ tasks: { ttlMs: 60_000, pollIntervalMs: 250 } });
    const created = expectCreated(await conn.stateless('tools/call', { name: 'slow' }, { capabilities: withTasks }));
    expect(created.ttlMs).toBe(60_000);
    expect(created.pollIntervalMs).toBe(250);
  });

  it('gives every task its own id', async () => {
    const { conn } = await taskServer();
    const a = expectCreated(await conn.stateless('tools/call', { name: 'quick' }, { capabilities: withTasks }));
    const b = expectCreated(await conn.stateless('tools/call', { name: 'quick' }, { capabilities: withTasks }));
    expect(a.taskId).not.toBe(b.taskId);
  });

  it('answers a required task tool without the extension with -32021 naming the extension', async () => {
    const { conn } = await taskServer();
    const error = await conn.statelessError('tools/call', { name: 'must' });
    expect(error.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect((error.data as { requiredCapabilities: { extensions: JsonObject } }).requiredCapabilities.extensions[TASKS_EXTENSION]).toEqual({});
  });

  it('runs a required task tool as a task with the extension', async () => {
    const { conn } = await taskServer();
    expectCreated(await conn.stateless('tools/call', { name: 'must' }, { capabilities: withTasks }));
  });

  it('runs a tool without task support synchronously even with the extension', async () => {
    const { conn } = await taskServer();
    const result = await conn.stateless('tools/call', { name: 'plain' }, { capabilities: withTasks });
    expect(result.resultType).toBe('complete');
  });
});

describe('tasks: tasks/get', () => {
  it('reports working, then completed with the tool result', async () => {
    const { conn, gate } = await taskServer();
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'slow' }, { capabilities: withTasks }));
    const working = await conn.stateless('tasks/get', { taskId }, { capabilities: withTasks });
    expect(working).toMatchObject({ taskId, status: 'working' });
    expect(working).not.toHaveProperty('result');
    gate.resolve();
    await conn.settle();
    const done = await conn.stateless('tasks/get', { taskId }, { capabilities: withTasks });
    expect(done).toMatchObject({ taskId, status: 'completed', result: { content: [{ type: 'text', text: 'done' }] } });
  });

  it('reports failed with the error when the tool throws a ProtocolError', async () => {
    const { conn } = await taskServer();
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'fails' }, { capabilities: withTasks }));
    await conn.settle();
    const failed = await conn.stateless('tasks/get', { taskId }, { capabilities: withTasks });
    expect(failed).toMatchObject({ status: 'failed', error: { code: -32050, message: 'backend unavailable' } });
  });

  it('answers an unknown task with -32602', async () => {
    const { conn } = await taskServer();
    for (const method of ['tasks/get', 'tasks/update', 'tasks/cancel']) {
      const error = await conn.statelessError(method, { taskId: 'no-such-task', inputResponses: {} }, { capabilities: withTasks });
      expect(error.code).toBe(ErrorCode.InvalidParams);
    }
  });

  it('answers a missing taskId with -32602', async () => {
    const { conn } = await taskServer();
    const error = await conn.statelessError('tasks/get', {}, { capabilities: withTasks });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.taskId');
  });

  it.each(['tasks/get', 'tasks/update', 'tasks/cancel'])('answers %s without the extension with -32021', async (method) => {
    const { conn } = await taskServer();
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'quick' }, { capabilities: withTasks }));
    const error = await conn.statelessError(method, { taskId, inputResponses: {} });
    expect(error.code).toBe(ErrorCode.MissingRequiredClientCapability);
    expect((error.data as { requiredCapabilities: { extensions: JsonObject } }).requiredCapabilities.extensions).toHaveProperty([TASKS_EXTENSION]);
  });
});

describe('tasks: tasks/update', () => {
  it('answers an elicitation the task is waiting on', async () => {
    const { conn } = await taskServer();
    const caps = { capabilities: withTasksAndElicitation };
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'ask' }, caps), ['working', 'input_required']);
    await conn.settle();
    const waiting = await conn.stateless('tasks/get', { taskId }, caps);
    expect(waiting).toMatchObject({ status: 'input_required', inputRequests: { proceed: { method: 'elicitation/create', params: form } } });
    await conn.stateless('tasks/update', { taskId, inputResponses: { proceed: { action: 'accept', content: { ok: true } } } }, caps);
    await conn.settle();
    const done = await conn.stateless('tasks/get', { taskId }, caps);
    expect(done.status).toBe('completed');
    expect(JSON.parse(textOf(done.result as JsonObject))).toEqual({ action: 'accept', content: { ok: true } });
  });

  it('never sends the elicitation to the client as a request', async () => {
    const { conn } = await taskServer();
    expectCreated(await conn.stateless('tools/call', { name: 'ask' }, { capabilities: withTasksAndElicitation }), ['working', 'input_required']);
    await conn.settle();
    expect(conn.serverRequests).toEqual([]);
  });

  it('answers inputResponses that is not an object with -32602', async () => {
    const { conn } = await taskServer();
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'ask' }, { capabilities: withTasksAndElicitation }), ['working', 'input_required']);
    const error = await conn.statelessError('tasks/update', { taskId, inputResponses: 'yes' }, { capabilities: withTasksAndElicitation });
    expect(error.code).toBe(ErrorCode.InvalidParams);
    expect(error.message).toContain('params.inputResponses');
  });

  it('fails the task when the client lacks the capability the task asks for', async () => {
    const { conn } = await taskServer();
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'ask' }, { capabilities: withTasks }));
    await conn.settle();
    const failed = await conn.stateless('tasks/get', { taskId }, { capabilities: withTasks });
    expect(failed).toMatchObject({ status: 'failed', error: { code: ErrorCode.MissingRequiredClientCapability } });
  });
});

describe('tasks: tasks/cancel', () => {
  it('cancels a working task, aborts its handler, and is idempotent', async () => {
    const { conn, gate, signals } = await taskServer();
    const caps = { capabilities: withTasks };
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'slow' }, caps));
    await conn.settle();
    await conn.stateless('tasks/cancel', { taskId }, caps);
    expect((await conn.stateless('tasks/get', { taskId }, caps)).status).toBe('cancelled');
    expect(signals[0]?.aborted).toBe(true);
    await conn.stateless('tasks/cancel', { taskId }, caps);
    // A handler that finishes after the cancel does not change the outcome.
    gate.resolve();
    await conn.settle();
    const after = await conn.stateless('tasks/get', { taskId }, caps);
    expect(after.status).toBe('cancelled');
    expect(after).not.toHaveProperty('result');
  });

  it('leaves a completed task completed', async () => {
    const { conn } = await taskServer();
    const caps = { capabilities: withTasks };
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'quick' }, caps));
    await conn.settle();
    await conn.stateless('tasks/cancel', { taskId }, caps);
    expect((await conn.stateless('tasks/get', { taskId }, caps)).status).toBe('completed');
  });

  it('cancels a task that waits for input', async () => {
    const { conn } = await taskServer();
    const caps = { capabilities: withTasksAndElicitation };
    const { taskId } = expectCreated(await conn.stateless('tools/call', { name: 'ask' }, caps), ['working', 'input_required']);
    await conn.settle();
    await conn.stateless('tasks/cancel', { taskId }, caps);
    await conn.settle();
    const after = await conn.stateless('tasks/get', { taskId }, caps);
    expect(after.status).toBe('cancelled');
    expect(after).not.toHaveProperty('inputRequests');
  });
});

describe('tasks: discovery', () => {
  it('advertises the extension in server/discover only when a task tool exists', async () => {
    const { conn } = await taskServer();
    const discovered = await conn.stateless('server/discover');
    expect((discovered.capabilities as { extensions?: JsonObject }).extensions?.[TASKS_EXTENSION]).toEqual({});

    const plain = await sessionWith((s) => s.tool('plain', {}, () => ({ content: [] })));
    const none = await plain.stateless('server/discover');
    expect(none.capabilities).not.toHaveProperty(['extensions', TASKS_EXTENSION]);
  });

  it('stops advertising the extension once the last task tool is disabled', async () => {
    let handle!: ReturnType<McpServer['tool']>;
    const conn = await sessionWith((s) => {
      handle = s.tool('job', { task: 'optional' }, () => ({ content: [] }));
      s.tool('plain', {}, () => ({ content: [] }));
    });
    handle.disable();
    const discovered = await conn.stateless('server/discover');
    expect(discovered.capabilities).not.toHaveProperty(['extensions', TASKS_EXTENSION]);
  });
});
