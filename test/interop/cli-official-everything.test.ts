/**
 * Interop: the built `mcpkit` CLI against the official reference server `@modelcontextprotocol/server-everything`
 * over stdio, and the README's `npx` contract from the repo root: `npx mcpkit list|call … -- npx mcpkit-everything`
 * and the same against `npx mcp-server-everything`. Every command is run with execFile: no shell anywhere.
 * @module
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EVERYTHING_JS } from './official-servers.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI_JS = `${ROOT}packages/cli/dist/bin.js`;
const OFFICIAL = ['--', process.execPath, EVERYTHING_JS, 'stdio'];

interface Run {
  /** Exit code; null when killed by a signal. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` from the repo root and resolves whatever its exit code (the tests check it). */
function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number' && error.signal === null) {
        reject(error); // could not start at all (ENOENT, …)
        return;
      }
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

/** `mcpkit ARGS` through the built entry. */
function mcpkit(...args: string[]): Promise<Run> {
  return run(process.execPath, [CLI_JS, ...args]);
}

/** With --json, stdout is one JSON document and nothing else. */
function json(result: Run): Record<string, unknown> {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

function toolNames(listed: Record<string, unknown>): string[] {
  return (listed.tools as { name: string }[]).map((t) => t.name);
}

describe('mcpkit CLI → official server-everything over stdio', () => {
  it('list --json lists its tools', async () => {
    const listed = json(await mcpkit('list', '--json', ...OFFICIAL));
    expect(toolNames(listed)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'get-structured-content', 'trigger-long-running-operation']));
    const echo = (listed.tools as { name: string; inputSchema: unknown }[]).find((t) => t.name === 'echo');
    expect(echo?.inputSchema).toMatchObject({ properties: { message: { type: 'string' } }, required: ['message'] });
  });

  it('call echo --json prints the echo', async () => {
    const result = json(await mcpkit('call', 'echo', '{"message":"hi"}', '--json', ...OFFICIAL));
    expect(result).toEqual({ content: [{ type: 'text', text: 'Echo: hi' }] });
  });

  it('call --json prints structured content checked against the output schema', async () => {
    const result = json(await mcpkit('call', 'get-structured-content', '{"location":"New York"}', '--json', ...OFFICIAL));
    expect(result.structuredContent).toEqual({ temperature: 33, conditions: 'Cloudy', humidity: 82 });
  });

  it('call exits 1 and still prints the result when the tool answers with an error result', async () => {
    const called = await mcpkit('call', 'get-sum', '{"a":"two"}', '--json', ...OFFICIAL);
    expect(called.code).toBe(1);
    expect(JSON.parse(called.stdout)).toMatchObject({ isError: true, content: [{ type: 'text', text: expect.stringContaining('Input validation error') }] });
  });

  it('read --json prints a resource read through a template', async () => {
    const result = json(await mcpkit('read', 'demo://resource/dynamic/text/1', '--json', ...OFFICIAL));
    expect(result).toEqual({
      contents: [{ uri: 'demo://resource/dynamic/text/1', mimeType: 'text/plain', text: expect.stringMatching(/^Resource 1: This is a plaintext resource/) }],
    });
  });

  it('get --json prints a prompt got with arguments', async () => {
    const result = json(await mcpkit('get', 'args-prompt', '{"city":"Paris"}', '--json', ...OFFICIAL));
    expect(result).toEqual({ messages: [{ role: 'user', content: { type: 'text', text: "What's weather in Paris?" } }] });
  });

  it('discover --json shows the session era it fell back to', async () => {
    const result = json(await mcpkit('discover', '--json', ...OFFICIAL));
    expect(result).toMatchObject({ era: 'session', protocolVersion: '2025-11-25', serverInfo: { name: 'mcp-servers/everything' } });
  });
});

describe('npx mcpkit from the repo root (the README contract)', () => {
  it('npx mcpkit list --json -- npx mcpkit-everything lists its tools', async () => {
    const listed = json(await run('npx', ['mcpkit', 'list', '--json', '--', 'npx', 'mcpkit-everything']));
    expect(toolNames(listed)).toEqual(expect.arrayContaining(['echo', 'add']));
  });

  it(`npx mcpkit call echo '{"text":"hi"}' --json -- npx mcpkit-everything prints the echo`, async () => {
    const result = json(await run('npx', ['mcpkit', 'call', 'echo', '{"text":"hi"}', '--json', '--', 'npx', 'mcpkit-everything']));
    expect(result.content).toEqual([{ type: 'text', text: 'hi' }]);
  });

  it('npx mcpkit list and call work the same against npx mcp-server-everything (the official one)', async () => {
    const official = ['--', 'npx', 'mcp-server-everything', 'stdio'];
    expect(toolNames(json(await run('npx', ['mcpkit', 'list', '--json', ...official])))).toContain('echo');
    const result = json(await run('npx', ['mcpkit', 'call', 'echo', '{"message":"hi"}', '--json', ...official]));
    expect(result).toEqual({ content: [{ type: 'text', text: 'Echo: hi' }] });
  });
});
