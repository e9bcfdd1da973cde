#!/usr/bin/env node
// A stdio MCP server whose one tool has an input schema that exercises the inspector's form: $defs and $ref,
// nested objects, an array of objects, an enum, oneOf, a boolean and a bounded integer. It echoes its arguments.
// Its `stamp` tool's description changes on every start.
import { McpServer } from '@mcpkit/server';
import { serveStdio } from '@mcpkit/server/node';

const server = new McpServer({ name: 'forms', version: '1.0.0' });
server.tool(
  'order',
  {
    description: 'Places an order (echoes the arguments as JSON)',
    inputSchema: {
      type: 'object',
      $defs: {
        item: { type: 'object', properties: { sku: { type: 'string', minLength: 3 }, qty: { type: 'integer', minimum: 1 } }, required: ['sku', 'qty'] },
      },
      properties: {
        customer: { type: 'object', properties: { name: { type: 'string' }, vip: { type: 'boolean' } }, required: ['name'] },
        items: { type: 'array', items: { $ref: '#/$defs/item' }, minItems: 1 },
        priority: { type: 'string', enum: ['low', 'normal', 'high'] },
        shipping: {
          oneOf: [
            { title: 'pickup', type: 'object', properties: { store: { type: 'string' } }, required: ['store'], additionalProperties: false },
            { title: 'delivery', type: 'object', properties: { address: { type: 'string' } }, required: ['address'], additionalProperties: false },
          ],
        },
      },
      required: ['customer', 'items'],
    },
  },
  (args) => ({ content: [{ type: 'text', text: JSON.stringify(args) }] }),
);
// A definition that differs on every start, for the drift shown after a reconnect.
server.tool('stamp', { description: `started as process ${process.pid}` }, () => ({ content: [{ type: 'text', text: String(process.pid) }] }));
await serveStdio(server);
