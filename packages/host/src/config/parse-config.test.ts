// parseHostConfig on text in memory: format detection, the checks on each field, and the smaller parsers
// (dotenv, line:column) it relies on.
import { describe, expect, it } from 'vitest';
import { ConfigError, type ParseHostConfigOptions, parseHostConfig } from '../index.js';
import { parseEnvFile } from './env-file.js';
import { lineColumn } from './json-text.js';

async function messageOf(text: string, options: ParseHostConfigOptions): Promise<string> {
  const error = await parseHostConfig(text, options).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

const stdio = JSON.stringify({ mcpServers: { a: { command: 'run-a', args: ['${X:-x}'] } } });

describe('format detection', () => {
  it('goes by the file name first', async () => {
    // Claude Code expands variables; Claude Desktop and Cursor do not.
    expect((await parseHostConfig(stdio, { path: '/p/.mcp.json', env: {} }))[0]).toMatchObject({ args: ['x'] });
    expect((await parseHostConfig(stdio, { path: '/p/claude_desktop_config.json' }))[0]).toMatchObject({ args: ['${X:-x}'] });
    expect((await parseHostConfig(stdio, { path: 'C:\\p\\.cursor\\mcp.json' }))[0]).toMatchObject({ args: ['${X:-x}'] });
  });

  it('then by the shape: "servers" is VS Code, "mcpServers" reads as Claude Code', async () => {
    expect((await parseHostConfig(stdio, { path: 'servers.json', env: {} }))[0]).toMatchObject({ args: ['x'] });
    const vscode = '{ "servers": { "a": { "command": "run-a", "args": ["${env:X}"], }, }, }';
    expect((await parseHostConfig(vscode, { path: 'servers.json', env: { X: 'from-env' } }))[0]).toMatchObject({ args: ['from-env'] });
  });

  it('an explicit format wins over the name', async () => {
    expect((await parseHostConfig(stdio, { path: '.mcp.json', format: 'cursor' }))[0]).toMatchObject({ args: ['${X:-x}'] });
  });

  it('says when it cannot tell', async () => {
    expect(await messageOf('{"tools": []}', { path: 'x.json' })).toBe('x.json: cannot tell which host\'s format this is: expected a "mcpServers" or "servers" object');
  });

  it('treats a file without servers as an empty list', async () => {
    expect(await parseHostConfig('{}', { path: '.mcp.json' })).toEqual([]);
    expect(await parseHostConfig('{ "inputs": [] }', { path: '.vscode/mcp.json' })).toEqual([]);
  });
});

describe('entry checks', () => {
  const file = '.mcp.json';
  const one = (entry: unknown) => JSON.stringify({ mcpServers: { s: entry } });
  const cases: Array<[string, unknown, string]> = [
    ['a non-object entry', 'npx', 'server "s": must be an object'],
    ['neither command nor url', { args: [] }, 'server "s": needs "command" (a local server) or "url" (a remote one)'],
    ['an empty command', { command: '' }, 'server "s": command: must be a non-empty string'],
    ['args that are not an array', { command: 'x', args: 'a b' }, 'server "s": args: must be an array of strings'],
    ['a numeric env value', { command: 'x', env: { PORT: 8080 } }, 'server "s": env.PORT: must be a string, not number'],
    ['env that is not an object', { command: 'x', env: ['A=1'] }, 'server "s": env: must be an object of strings'],
    ['a non-boolean disabled', { command: 'x', disabled: 'yes' }, 'server "s": disabled: must be true or false'],
    ['http without url', { type: 'http' }, 'server "s": url: missing (an http server needs a URL)'],
    ['a relative url', { url: '/mcp' }, 'server "s": url: "/mcp" is not a valid URL'],
    ['a ws: url', { type: 'sse', url: 'ws://h/sse' }, 'server "s": url: "ws://h/sse" is not an http or https URL'],
    ['a null header', { url: 'https://h/mcp', headers: { A: null } }, 'server "s": headers.A: must be a string, not null'],
    ['a command that expands to nothing', { command: '${EMPTY:-}' }, 'server "s": command: is empty after variable expansion'],
  ];
  for (const [what, entry, problem] of cases) {
    it(`rejects ${what}`, async () => {
      expect(await messageOf(one(entry), { path: file, env: {} })).toBe(`${file}: ${problem}`);
    });
  }

  it('allows only local servers in Claude Desktop\'s file', async () => {
    const path = 'claude_desktop_config.json';
    expect(await messageOf(one({ type: 'http', url: 'https://h/mcp' }), { path })).toBe(`${path}: server "s": type: type "http" is not supported in this file; only local (stdio) servers are`);
    expect(await messageOf(one({ url: 'https://h/mcp' }), { path })).toBe(`${path}: server "s": command: missing (a stdio server needs a command to run)`);
  });

  it('rejects a servers list that is not an object', async () => {
    expect(await messageOf('{"mcpServers": []}', { path: file })).toBe(`${file}: mcpServers: must be an object of named server entries`);
  });

  it('rejects a document that is not an object', async () => {
    expect(await messageOf('[]', { path: file })).toBe(`${file}: the document must be a JSON object`);
  });

  it('ignores fields it does not know, since every host adds its own', async () => {
    const [server] = await parseHostConfig(one({ command: 'x', timeout: 5, alwaysAllow: ['t'] }), { path: file });
    expect(server).toEqual({ name: 's', transport: 'stdio', command: 'x', args: [], env: {} });
  });

  it('keeps file order', async () => {
    const names = (await parseHostConfig('{"mcpServers": {"z": {"command": "z"}, "a": {"command": "a"}, "m": {"url": "https://m/"}}}', { path: file })).map((s) => s.name);
    expect(names).toEqual(['z', 'a', 'm']);
  });
});

describe('VS Code specifics', () => {
  const path = '.vscode/mcp.json';

  it('needs a reader for envFile when parsing text', async () => {
    const text = '{ "servers": { "s": { "command": "x", "envFile": ".env" } } }';
    expect(await messageOf(text, { path })).toBe(`${path}: server "s": envFile: an envFile can only be read with loadHostConfig or a readEnvFile option`);
    const [server] = await parseHostConfig(text, { path, readEnvFile: async (p) => (p === '.env' ? 'A=1' : '') });
    expect(server).toMatchObject({ env: { A: '1' } });
  });

  it('reports an envFile that cannot be read', async () => {
    const text = '{ "servers": { "s": { "command": "x", "envFile": "missing.env" } } }';
    const readEnvFile = () => Promise.reject(new Error('ENOENT: no such file'));
    expect(await messageOf(text, { path, readEnvFile })).toBe(`${path}: server "s": envFile: cannot read missing.env: ENOENT: no such file`);
  });

  it('checks the inputs', async () => {
    expect(await messageOf('{ "inputs": {}, "servers": {} }', { path })).toBe(`${path}: inputs: must be an array`);
    expect(await messageOf('{ "inputs": [{ "type": "promptString" }], "servers": {} }', { path })).toBe(`${path}: inputs[0].id: must be a non-empty string`);
    const twice = '{ "inputs": [{ "type": "promptString", "id": "a" }, { "type": "promptString", "id": "a" }], "servers": {} }';
    expect(await messageOf(twice, { path })).toBe(`${path}: inputs[1].id: input "a" is declared twice`);
  });

  it('refuses variables that only VS Code itself can resolve', async () => {
    const text = '{ "servers": { "s": { "command": "${command:pickFile}" } } }';
    expect(await messageOf(text, { path })).toBe(`${path}: server "s": command: variable \${command:pickFile} is not supported outside VS Code`);
  });

  it('knows ${userHome} and ${pathSeparator}', async () => {
    const text = '{ "servers": { "s": { "command": "${userHome}${pathSeparator}bin${/}tool" } } }';
    const [server] = await parseHostConfig(text, { path, env: { HOME: '/home/me' } });
    const sep = process.platform === 'win32' ? '\\' : '/';
    expect(server).toMatchObject({ command: `/home/me${sep}bin${sep}tool` });
  });
});

describe('syntax errors', () => {
  it('counts lines across \\r\\n and skips a byte order mark', async () => {
    const text = '\uFEFF{\r\n  "mcpServers": {\r\n    "a": { "command": "x" ]\r\n  }\r\n}';
    expect(await messageOf(text, { path: '.mcp.json' })).toBe(".mcp.json:3:27: invalid JSON: expected ','");
  });

  it('reports an empty file', async () => {
    expect(await messageOf('', { path: '.mcp.json' })).toBe('.mcp.json:1:1: invalid JSON: expected a value');
  });

  it('reports an invalid escape at the start of its string', async () => {
    expect(await messageOf('{"mcpServers": {"a": {"command": "C:\\q"}}}', { path: '.mcp.json' })).toBe('.mcp.json:1:34: invalid JSON: invalid escape sequence');
  });

  it('lineColumn is 1-based', () => {
    expect(lineColumn('ab\ncd\r\nef\rgh', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd\r\nef\rgh', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab\ncd\r\nef\rgh', 7)).toEqual({ line: 3, column: 1 });
    expect(lineColumn('ab\ncd\r\nef\rgh', 11)).toEqual({ line: 4, column: 2 });
  });
});

describe('parseEnvFile', () => {
  it('reads assignments, quotes, export and comments', () => {
    const text = ['# comment', 'A=1', 'export B = two words ', 'C="x\\ty\\"z" # trailing', "D='$HOME\\n'", 'E=a#b', 'F=v # c', 'junk', 'A=again'].join('\n');
    expect(parseEnvFile(text)).toEqual({ A: 'again', B: 'two words', C: 'x\ty"z', D: '$HOME\\n', E: 'a#b', F: 'v' });
  });
});
