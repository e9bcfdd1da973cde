/**
 * The guardrails on honest results (issue 9): real tool results and resource reads from this repository's reference
 * servers and the official server-everything produce no guardrail finding at medium or above, and pass unchanged.
 * @module
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@mcpkit/client';
import { StdioClientTransport } from '@mcpkit/client/node';
import type { CallToolResult, ReadResourceResult } from '@mcpkit/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { inspectResourceResult, inspectToolResult } from '../../packages/trust/src/guardrails/index.js';
import { atOrAbove, formatFindings } from '../../packages/trust/src/scanner/index.js';
import { benignServers, scratchDir } from './benign-servers.js';

const scratch = scratchDir();
afterAll(() => scratch.remove());
writeFileSync(join(scratch.dir, 'readme.md'), '# Project\n\nRun `npm test` before you push. Passwords are never stored here.\n');

/** Calls per server: tool name and arguments (tools with side effects on the host, or env dumps, are left out). */
const CALLS: Record<string, [string, Record<string, unknown>][]> = {
  'mcpkit-everything': [['echo', { text: 'hello' }], ['add', { a: 2, b: 3 }], ['get_resource_link', { id: 1 }]],
  'mcpkit-filesystem': [['list_allowed_directories', {}], ['read_text_file', { path: join(scratch.dir, 'readme.md') }], ['directory_tree', { path: scratch.dir }]],
  'mcpkit-sqlite': [['list_tables', {}], ['describe_table', { table: 'notes' }], ['query', { sql: 'SELECT 1 AS one' }]],
  'mcpkit-weather': [['get_weather', { city: 'Paris' }], ['get_forecast', { city: 'Tokyo', days: 3 }]],
  'official-everything': [['echo', { message: 'hello' }], ['get-sum', { a: 1, b: 2 }], ['get-annotated-message', { messageType: 'success' }], ['get-structured-content', { location: 'New York' }]],
};

describe('guardrails on honest results', () => {
  it('find nothing at medium or above and change nothing', async () => {
    let inspected = 0;
    for (const server of benignServers(scratch.dir)) {
      const client = new Client({ name: 'mcpkit-trust-benign', version: '0.0.0' });
      await client.connect(new StdioClientTransport({ command: server.command, args: server.args, stderr: 'ignore' }));
      try {
        for (const [name, args] of CALLS[server.name] ?? []) {
          const result = (await client.callTool(name, args)) as CallToolResult;
          const { findings, content } = inspectToolResult(result, { server: server.name, tool: name });
          expect(atOrAbove(findings, 'medium'), `${server.name} ${name}\n${formatFindings(findings)}`).toEqual([]);
          expect(content).toEqual(result);
          inspected++;
        }
        const resources = await client.listResources().catch(() => []);
        for (const r of resources.slice(0, 5)) {
          const read = (await client.readResource(r.uri)) as ReadResourceResult;
          const { findings } = inspectResourceResult(read, { server: server.name, tool: r.uri });
          expect(atOrAbove(findings, 'medium'), `${server.name} ${r.uri}\n${formatFindings(findings)}`).toEqual([]);
          inspected++;
        }
      } finally {
        await client.close();
      }
    }
    console.log(`[trust] guardrails: ${inspected} honest results and resource reads, no finding at medium or above`);
  }, 60_000);
});
