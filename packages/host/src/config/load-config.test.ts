// The four hosts' configuration files, read from fixtures through the public entry, and the exact errors for
// broken ones (file, server, field, line:column).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { McpkitError, MCPKIT_ERROR_CODES } from '@mcpkit/protocol';
import { ConfigError, type HostConfigInput, loadHostConfig } from '../index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (...parts: string[]) => join(fixtures, ...parts);

/** The ConfigError a promise rejects with. */
async function configErrorOf(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('Claude Desktop claude_desktop_config.json', () => {
  it('loads stdio servers, with no variable expansion (the app does none)', async () => {
    const servers = await loadHostConfig(fixture('claude-desktop', 'claude_desktop_config.json'), { env: { UNITS: 'metric' } });
    expect(servers).toEqual([
      { name: 'filesystem', transport: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem', '/Users/me/Desktop'], env: {} },
      { name: 'weather', transport: 'stdio', command: 'uvx', args: ['mcp-weather'], env: { WEATHER_API_KEY: 'k-123', UNITS: '${UNITS}' } },
      { name: 'bare', transport: 'stdio', command: '/usr/local/bin/bare-server', args: [], env: {} },
    ]);
  });
});

describe('Claude Code .mcp.json', () => {
  const env = { DB_USER: 'ana', DB_PORT: '', DB_PASSWORD: 's3cret', API_TOKEN: 'tok' };

  it('expands ${VAR} and ${VAR:-default} in command, args, env, url and headers', async () => {
    const servers = await loadHostConfig(fixture('claude-code', '.mcp.json'), { env });
    expect(servers).toEqual([
      {
        name: 'db',
        transport: 'stdio',
        command: 'npx',
        // DB_PORT is set but empty: `:-` takes the default, as in a shell.
        args: ['-y', 'db-server', '--url', 'postgres://ana@localhost:5432/app'],
        env: { DB_PASSWORD: 's3cret', LOG_LEVEL: 'info' },
      },
      { name: 'api', transport: 'http', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer tok' } },
      { name: 'events', transport: 'sse', url: 'https://events.example.com/sse', headers: {} },
      { name: 'local', transport: 'stdio', command: 'node', args: ['server.js'], env: {}, disabled: true },
    ]);
  });

  it('prefers set variables over defaults', async () => {
    const servers = await loadHostConfig(fixture('claude-code', '.mcp.json'), {
      env: { ...env, DB_TOOL: 'bunx', DB_HOST: 'db.internal', API_BASE: 'http://127.0.0.1:9000' },
    });
    expect(servers[0]).toMatchObject({ command: 'bunx', args: ['-y', 'db-server', '--url', 'postgres://ana@db.internal:5432/app'] });
    expect(servers[1]).toMatchObject({ url: 'http://127.0.0.1:9000/mcp' });
  });

  it('names the file, server, field and variable when a variable is missing', async () => {
    const path = fixture('invalid', 'missing-variable', '.mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { env: {} }));
    expect(error.message).toBe(`${path}: server "api": headers.Authorization: variable API_TOKEN is not set and has no default`);
    expect(error).toMatchObject({ code: 'MCPKIT_CONFIG_INVALID', file: path, server: 'api', field: 'headers.Authorization', variable: 'API_TOKEN' });
  });

  it('reports a syntax error with its line and column', async () => {
    const path = fixture('invalid', 'bad-json', '.mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { env: {} }));
    expect(error.message).toBe(`${path}:5:7: invalid JSON: expected ','`);
    expect(error).toMatchObject({ line: 5, column: 7, server: undefined });
  });

  it('points at a trailing comma, which strict JSON does not allow', async () => {
    const path = fixture('invalid', 'trailing-comma', '.mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { env: {} }));
    expect(error.message).toBe(`${path}:3:45: invalid JSON: trailing commas are not allowed in this format`);
  });

  it('rejects an unknown type', async () => {
    const path = fixture('invalid', 'unknown-type', '.mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { env: {} }));
    expect(error.message).toBe(`${path}: server "socket": type: unknown type "websocket" (expected "stdio", "http" or "sse")`);
  });

  it('rejects an argument that is not a string', async () => {
    const path = fixture('invalid', 'bad-args', '.mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { env: {} }));
    expect(error.message).toBe(`${path}: server "bad": args[1]: must be a string`);
  });
});

describe('VS Code .vscode/mcp.json', () => {
  const workspaceFolder = fixture('vscode');
  const options = (asked: HostConfigInput[]) => ({
    workspaceFolder,
    env: { HOME: '/home/me' },
    resolveInput: async (input: HostConfigInput) => {
      asked.push(input);
      return input.id === 'github-token' ? 'ghp_123' : 'eu-west';
    },
  });

  it('reads JSONC, resolves inputs once each, ${env:…}, ${workspaceFolder} and the envFile', async () => {
    const asked: HostConfigInput[] = [];
    const servers = await loadHostConfig(fixture('vscode', '.vscode', 'mcp.json'), options(asked));
    expect(servers).toEqual([
      {
        name: 'github',
        transport: 'stdio',
        command: 'docker',
        args: ['run', '-i', '--rm', '-e', 'GITHUB_TOKEN', 'ghcr.io/github/github-mcp-server'],
        // `env` wins over the envFile, as in VS Code.
        env: { FROM_ENV_FILE: 'yes', GITHUB_TOKEN: 'ghp_123', QUOTED: 'a b\n c', SINGLE: 'literal $x\\n' },
      },
      {
        name: 'files',
        transport: 'stdio',
        command: 'node',
        args: [`${workspaceFolder}/server.js`, '--root', 'vscode', '--home', '/home/me'],
        cwd: workspaceFolder,
        // VS Code turns an unset ${env:…} into an empty string.
        env: { TOKEN_AGAIN: 'ghp_123', MISSING: '' },
      },
      { name: 'cloud', transport: 'http', url: 'https://eu-west.cloud.example.com/mcp', headers: { 'X-Region': 'eu-west' } },
    ]);
    expect(asked).toEqual([
      { type: 'promptString', id: 'github-token', description: 'GitHub personal access token', password: true },
      { type: 'promptString', id: 'region', description: 'Cloud region' },
    ]);
  });

  it('needs resolveInput for ${input:…}', async () => {
    const path = fixture('vscode', '.vscode', 'mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { workspaceFolder }));
    expect(error.message).toBe(`${path}: server "github": env.GITHUB_TOKEN: \${input:github-token} needs a value, but no resolveInput option was given`);
    expect(error.variable).toBe('input:github-token');
  });

  it('needs the workspaceFolder option for ${workspaceFolder}', async () => {
    const path = fixture('vscode', '.vscode', 'mcp.json');
    const { workspaceFolder: _omitted, ...rest } = options([]);
    const error = await configErrorOf(loadHostConfig(path, rest));
    expect(error.message).toBe(`${path}: server "github": envFile: \${workspaceFolder} needs the workspaceFolder option`);
  });

  it('wraps a failing resolveInput', async () => {
    const path = fixture('vscode', '.vscode', 'mcp.json');
    const cancelled = new Error('the user cancelled');
    const error = await configErrorOf(loadHostConfig(path, { workspaceFolder, resolveInput: () => Promise.reject(cancelled) }));
    expect(error.message).toBe(`${path}: server "github": env.GITHUB_TOKEN: resolveInput failed for \${input:github-token}: the user cancelled`);
    expect(error.cause).toBe(cancelled);
  });

  it('rejects an input that "inputs" does not declare (format told by the shape: a "servers" object)', async () => {
    const path = fixture('invalid', 'undeclared-input', 'mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { resolveInput: async () => 'x' }));
    expect(error.message).toBe(`${path}: server "gh": env.TOKEN: \${input:token} refers to an input that "inputs" does not declare`);
  });

  it('says so when a VS Code file uses the "mcpServers" key of other hosts', async () => {
    const path = fixture('invalid', 'mcpservers-in-vscode', 'mcp.json');
    const error = await configErrorOf(loadHostConfig(path, { format: 'vscode' }));
    expect(error.message).toBe(`${path}: mcpServers: this vscode file lists its servers under "servers", not "mcpServers"`);
  });
});

describe('Cursor mcp.json', () => {
  it('reads command entries as stdio and url entries as Streamable HTTP, tolerating comments', async () => {
    const servers = await loadHostConfig(fixture('cursor', '.cursor', 'mcp.json'));
    expect(servers).toEqual([
      { name: 'browser', transport: 'stdio', command: 'npx', args: ['-y', '@playwright/mcp@latest'], env: { API_KEY: 'value' } },
      { name: 'remote', transport: 'http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abc' } },
      { name: 'legacy', transport: 'sse', url: 'http://127.0.0.1:8000/sse', headers: {} },
    ]);
  });
});

describe('invalid files', () => {
  it('names the server and the missing command', async () => {
    const path = fixture('invalid', 'missing-command', 'claude_desktop_config.json');
    const error = await configErrorOf(loadHostConfig(path));
    expect(error.message).toBe(`${path}: server "broken": command: missing (a stdio server needs a command to run)`);
    expect(error).toMatchObject({ server: 'broken', field: 'command' });
  });

  it('rejects comments where the host reads strict JSON', async () => {
    const path = fixture('invalid', 'jsonc-in-strict', 'claude_desktop_config.json');
    const error = await configErrorOf(loadHostConfig(path));
    expect(error.message).toBe(`${path}:2:3: invalid JSON: comments are not allowed in this format`);
  });

  it('reports a file that does not exist', async () => {
    const path = fixture('nowhere', '.mcp.json');
    const error = await configErrorOf(loadHostConfig(path));
    expect(error.message).toBe(`${path}: cannot read the file: no such file`);
  });

  it('is a McpkitError with a registered code', async () => {
    const error = await configErrorOf(loadHostConfig(fixture('nowhere', '.mcp.json')));
    expect(error).toBeInstanceOf(McpkitError);
    expect(error.name).toBe('ConfigError');
    expect(MCPKIT_ERROR_CODES).toContain(error.code);
  });
});
