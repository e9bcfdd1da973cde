/**
 * @mcpkit/server-everything: a demo of every MCP feature mcpkit serves, in both eras.
 * @module
 */
import { McpServer } from '@mcpkit/server';
import { z } from 'zod';

const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
const WAV_TINY = 'UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAAB9AAACABAAZGF0YQIAAAA=';

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('cancelled'));
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    }, { once: true });
  });
}

/** Builds the everything server. */
export function createEverythingServer(): McpServer {
  const server = new McpServer(
    { name: 'mcpkit-everything', version: '0.1.0', title: 'mcpkit everything demo' },
    { instructions: 'A demo server exercising every MCP feature: tools, resources, prompts, sampling, elicitation, roots, logging.' },
  );
  const text = (t: string) => ({ content: [{ type: 'text' as const, text: t }] });

  server.tool('echo', { title: 'Echo', description: 'Echoes the text back', inputSchema: { text: z.string().describe('Text to echo') }, annotations: { readOnlyHint: true } },
    ({ text: t }) => text(t));
  server.tool('add', {
    title: 'Add',
    description: 'Adds two numbers, with structured output',
    inputSchema: { a: z.number(), b: z.number() },
    outputSchema: { sum: z.number() },
    annotations: { readOnlyHint: true, idempotentHint: true },
  }, ({ a, b }) => ({ content: [{ type: 'text', text: String(a + b) }], structuredContent: { sum: a + b } }));
  server.tool('long_running', {
    description: 'Runs for `seconds`, reporting progress each step; cancellable',
    inputSchema: { seconds: z.number().min(0).max(60).default(3), steps: z.number().int().min(1).max(100).default(5) },
  }, async ({ seconds, steps }, ctx) => {
    for (let i = 0; i < steps; i++) {
      await ctx.progress(i, steps, `step ${i + 1} of ${steps}`);
      await sleep((seconds * 1000) / steps, ctx.signal);
    }
    await ctx.progress(steps, steps, 'done');
    return text(`Long-running operation finished after ${seconds}s in ${steps} steps`);
  });
  server.tool('sample_llm', { description: "Asks the client's LLM", inputSchema: { prompt: z.string(), maxTokens: z.number().int().positive().default(100) } },
    async ({ prompt, maxTokens }, ctx) => {
      const r = await ctx.sample({ messages: [{ role: 'user', content: { type: 'text', text: prompt } }], maxTokens });
      return text(`LLM said: ${(r.content as { text?: string }).text ?? JSON.stringify(r.content)}`);
    });
  server.tool('elicit_info', { description: 'Asks the user for their name and age' }, async (_args, ctx) => {
    const r = await ctx.elicit({
      message: 'Tell me about yourself',
      requestedSchema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0 } }, required: ['name'] },
    });
    return text(r.action === 'accept' ? `Hello ${String(r.content?.name)}` : `You chose to ${r.action}`);
  });
  server.tool('list_roots', { description: "Lists the client's roots" }, async (_args, ctx) => {
    const roots = await ctx.listRoots();
    return text(roots.length ? roots.map((r) => `${r.name ?? ''} ${r.uri}`.trim()).join('\n') : 'No roots');
  });
  server.tool('log_messages', { description: 'Sends a log message at each level' }, async (_args, ctx) => {
    for (const level of ['debug', 'info', 'notice', 'warning', 'error'] as const) await ctx.log(level, `a ${level} message`, 'everything');
    return text('Logged at five levels');
  });
  server.tool('get_image', { description: 'Returns a tiny PNG' }, () => ({ content: [{ type: 'image', data: PNG_1X1, mimeType: 'image/png' }] }));
  server.tool('get_audio', { description: 'Returns a tiny WAV' }, () => ({ content: [{ type: 'audio', data: WAV_TINY, mimeType: 'audio/wav' }] }));
  server.tool('get_resource_link', { description: 'Returns a link to a resource', inputSchema: { id: z.string().default('1') } },
    ({ id }) => ({ content: [{ type: 'resource_link', uri: `demo://items/${id}`, name: `item ${id}`, mimeType: 'application/json' }] }));
  server.tool('fail', { description: 'Always fails with a tool error' }, () => ({ isError: true, content: [{ type: 'text', text: 'This tool always fails' }] }));

  let counter = 0;
  server.resource('readme', 'demo://readme', { title: 'Readme', description: 'About this server', mimeType: 'text/markdown' }, () => ({
    contents: [{ mimeType: 'text/markdown', text: '# mcpkit everything\nA demo of every MCP feature.' }],
  }));
  server.resource('counter', 'demo://counter', { description: 'A counter that changes; subscribe to it', mimeType: 'text/plain' }, () => ({
    contents: [{ mimeType: 'text/plain', text: String(counter) }],
  }));
  server.tool('increment', { description: 'Increments demo://counter and notifies its subscribers' }, () => {
    counter++;
    server.notifyResourceUpdated('demo://counter');
    return text(`counter is ${counter}`);
  });
  server.resourceTemplate('item', 'demo://items/{id}', {
    description: 'An item by id',
    mimeType: 'application/json',
    list: () => [1, 2, 3].map((i) => ({ uri: `demo://items/${i}`, name: `item ${i}`, mimeType: 'application/json' })),
    complete: { id: (value) => ['1', '2', '3', '10', '20'].filter((v) => v.startsWith(value)) },
  }, (_uri, vars) => ({ contents: [{ mimeType: 'application/json', text: JSON.stringify({ id: vars.id, name: `item ${String(vars.id)}` }) }] }));

  server.prompt('greeting', {
    description: 'A greeting in a chosen style',
    arguments: { name: z.string().describe('Who to greet'), style: z.string().optional().describe('formal or casual') },
    complete: { style: (value) => ['formal', 'casual'].filter((v) => v.startsWith(value)) },
  }, ({ name, style }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Write a ${style ?? 'casual'} greeting for ${name}.` } }],
  }));
  server.prompt('with_image', { description: 'A prompt that carries an image' }, () => ({
    messages: [
      { role: 'user', content: { type: 'image', data: PNG_1X1, mimeType: 'image/png' } },
      { role: 'user', content: { type: 'text', text: 'Describe this image.' } },
    ],
  }));
  return server;
}
