/**
 * The read commands (list, call, read, get, discover) against real servers: the everything server over stdio
 * and Streamable HTTP, the bench echo server, and a server named in a Claude Code `.mcp.json`.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ECHO, EVERYTHING, type HttpServer, ROOT, cleanEnv, runCli, startHttpServer } from './testing/harness.js';

const FIXTURE = join(ROOT, 'packages', 'cli', 'src', 'fixtures', 'claude-code', '.mcp.json');

let http: HttpServer;
let echoHttp: HttpServer;
beforeAll(async () => {
  [http, echoHttp] = await Promise.all([
    startHttpServer('node', [join(ROOT, 'servers', 'everything', 'dist', 'bin.js'), '--http', '0']),
    startHttpServer(join(ROOT, 'scripts', 'bench-echo-server'), ['http', '0']),
  ]);
});
afterAll(async () => {
  await Promise.all([http?.stop(), echoHttp?.stop()]);
});

function json(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout) as Record<string, unknown>;
}

describe('mcpkit list', () => {
  it('--json prints the tools and nothing else on stdout (stdio)', async () => {
    const r = await runCli(['list', '--json', '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    const tools = json(r.stdout).tools as Array<{ name: string }>;
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'add', 'fail']));
  });

  it('prints an aligned table for people: name, arguments (optional ones marked ?), description', async () => {
    const r = await runCli(['list', 'tools', '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+ARGUMENTS\s+DESCRIPTION$/);
    const echo = lines.find((l) => l.startsWith('echo '));
    expect(echo).toMatch(/^echo\s+text\s+Echoes the text back$/);
    expect(lines.find((l) => l.startsWith('long_running '))).toMatch(/seconds\? steps\?/);
    // Aligned: every row's description starts in the header's DESCRIPTION column.
    const column = lines[0]!.indexOf('DESCRIPTION');
    expect(echo!.indexOf('Echoes')).toBe(column);
    expect(r.stdout).not.toContain('\x1b[');
  });

  it('lists resources, templates and prompts, as tables and as JSON', async () => {
    const resources = await runCli(['list', 'resources', '--', ...EVERYTHING]);
    expect(resources.stdout).toMatch(/^URI\s+NAME\s+MIME TYPE\s+DESCRIPTION\n/);
    expect(resources.stdout).toMatch(/demo:\/\/readme\s+readme\s+text\/markdown\s+About this server/);
    const templates = await runCli(['list', 'templates', '--json', '--', ...EVERYTHING]);
    expect(json(templates.stdout).resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'demo://items/{id}' })]);
    const prompts = await runCli(['list', 'prompts', '--url', http.url]);
    expect(prompts.code, prompts.stderr).toBe(0);
    expect(prompts.stdout).toMatch(/greeting\s+name style\?\s+A greeting in a chosen style/);
  });

  it('says there is nothing of a kind the server does not offer, and exits 0', async () => {
    const r = await runCli(['list', 'prompts', '--json', '--', ...ECHO]);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout)).toEqual({ prompts: [] });
    expect(r.stderr).toContain('does not declare the prompts capability');
    const human = await runCli(['list', 'prompts', '--', ...ECHO]);
    expect(human.stdout).toBe('No prompts.\n');
  });

  it('works over Streamable HTTP with headers, and against the bench echo server over both transports', async () => {
    const overHttp = await runCli(['list', '--json', '--url', http.url, '--header', 'X-Trace: 1', '--bearer', 'token']);
    expect(overHttp.code, overHttp.stderr).toBe(0);
    expect((json(overHttp.stdout).tools as unknown[]).length).toBeGreaterThan(5);
    for (const target of [['--', ...ECHO], ['--url', echoHttp.url]]) {
      const r = await runCli(['list', '--json', ...target]);
      expect(r.code, r.stderr).toBe(0);
      expect(json(r.stdout).tools).toEqual([expect.objectContaining({ name: 'echo' })]);
    }
  });
});

describe('mcpkit call', () => {
  it('--json prints the tool result', async () => {
    const r = await runCli(['call', 'echo', '{"text": "hello"}', '--json', '--', ...EVERYTHING]);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ content: [{ type: 'text', text: 'hello' }] });
  });

  it('prints text content as is, and media and links as one-line summaries', async () => {
    expect((await runCli(['call', 'echo', '{"text":"multi\\nline"}', '--', ...EVERYTHING])).stdout).toBe('multi\nline\n');
    expect((await runCli(['call', 'get_image', '--', ...EVERYTHING])).stdout).toMatch(/^\[image image\/png, \d+ bytes; use --json to get its base64\]\n$/);
    expect((await runCli(['call', 'get_resource_link', '{"id":"2"}', '--', ...EVERYTHING])).stdout).toBe('[link] demo://items/2 (item 2, application/json)\n');
  });

  it('calls over HTTP in both eras, with structured content checked against the outputSchema', async () => {
    for (const protocol of ['auto', '2025-11-25']) {
      const r = await runCli(['call', 'add', '{"a": 2, "b": 3}', '--json', '--protocol', protocol, '--url', http.url]);
      expect(r.code, r.stderr).toBe(0);
      expect(json(r.stdout)).toMatchObject({ structuredContent: { sum: 5 } });
    }
  });

  it('calls the bench echo server', async () => {
    const r = await runCli(['call', 'echo', '{"text":"bench"}', '--', ...ECHO]);
    expect(r).toMatchObject({ code: 0, stdout: 'bench\n' });
  });
});

describe('mcpkit read and get', () => {
  it('reads a resource: its text, or JSON with --json', async () => {
    const r = await runCli(['read', 'demo://readme', '--', ...EVERYTHING]);
    expect(r).toMatchObject({ code: 0, stdout: '# mcpkit everything\nA demo of every MCP feature.\n' });
    const item = await runCli(['read', 'demo://items/7', '--json', '--url', http.url]);
    expect(item.code, item.stderr).toBe(0);
    expect(json(item.stdout).contents).toEqual([expect.objectContaining({ uri: 'demo://items/7', text: '{"id":"7","name":"item 7"}' })]);
  });

  it('gets a prompt with arguments: messages under their roles, or JSON', async () => {
    const r = await runCli(['get', 'greeting', '{"name": "Ada", "style": "formal"}', '--', ...EVERYTHING]);
    expect(r).toMatchObject({ code: 0, stdout: 'user:\nWrite a formal greeting for Ada.\n' });
    const asJson = await runCli(['get', 'greeting', '{"name": "Bo"}', '--json', '--url', http.url]);
    expect(json(asJson.stdout).messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Write a casual greeting for Bo.' } }]);
  });
});

describe('mcpkit discover', () => {
  it('negotiates 2026-07-28 by default and the session era when pinned to 2025-11-25 (stdio)', async () => {
    const auto = await runCli(['discover', '--json', '--', ...EVERYTHING]);
    expect(auto.code, auto.stderr).toBe(0);
    expect(json(auto.stdout)).toMatchObject({
      serverInfo: { name: 'mcpkit-everything', version: '0.1.0' },
      era: 'stateless',
      protocolVersion: '2026-07-28',
      capabilities: { tools: { listChanged: true } },
      instructions: expect.stringContaining('A demo server'),
    });
    const pinned = await runCli(['discover', '--json', '--protocol', '2025-11-25', '--', ...EVERYTHING]);
    expect(json(pinned.stdout)).toMatchObject({ era: 'session', protocolVersion: '2025-11-25', serverInfo: { name: 'mcpkit-everything' } });
  });

  it('shows the same in both eras over HTTP, for people', async () => {
    const auto = await runCli(['discover', '--url', http.url]);
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stdout).toMatch(/^Server\s+mcpkit-everything 0\.1\.0 \(mcpkit everything demo\)$/m);
    expect(auto.stdout).toMatch(/^Protocol\s+2026-07-28$/m);
    expect(auto.stdout).toMatch(/^Era\s+stateless /m);
    expect(auto.stdout).toMatch(/resources \(subscribe, listChanged\)/);
    expect(auto.stdout).toMatch(/^Instructions\n {2}A demo server/m);
    const session = await runCli(['discover', '--protocol', '2025-11-25', '--url', http.url]);
    expect(session.stdout).toMatch(/^Protocol\s+2025-11-25$/m);
    expect(session.stdout).toMatch(/^Era\s+session /m);
  });
});

describe('--config FILE --server NAME (a Claude Code .mcp.json)', () => {
  const env = cleanEnv({ MCPKIT_ROOT: ROOT.replace(/\/$/, '') });

  it('starts the stdio entry, expanding its ${VARIABLES}', async () => {
    const r = await runCli(['call', 'echo', '{"text": "from config"}', '--config', FIXTURE, '--server', 'everything'], { env });
    expect(r).toMatchObject({ code: 0, stdout: 'from config\n' });
  });

  it('reaches the http entry', async () => {
    const r = await runCli(['discover', '--json', '--config', FIXTURE, '--server', 'everything-http'], { env: { ...env, EVERYTHING_URL: http.url } });
    expect(r.code, r.stderr).toBe(0);
    expect(json(r.stdout)).toMatchObject({ protocolVersion: '2026-07-28' });
  });

  it('exits 2 naming the servers there when NAME is wrong or missing', async () => {
    const wrong = await runCli(['list', '--config', FIXTURE, '--server', 'nope'], { env });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('has no server named "nope"');
    expect(wrong.stderr).toContain('servers: everything, everything-http');
    const missing = await runCli(['list', '--config', FIXTURE], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('say which one with --server NAME');
  });
});

describe('colours', () => {
  it('are off on a pipe, on with FORCE_COLOR, and off again with FORCE_COLOR=0 (NO_COLOR is honoured)', async () => {
    const forced = await runCli(['list', '--', ...ECHO], { env: cleanEnv({ FORCE_COLOR: '1' }) });
    expect(forced.stdout).toContain('\x1b[1m');
    const off = await runCli(['list', '--', ...ECHO], { env: cleanEnv({ FORCE_COLOR: '0' }) });
    expect(off.stdout).not.toContain('\x1b[');
    const noColor = await runCli(['call', 'nope', '--', ...ECHO], { env: cleanEnv({ NO_COLOR: '1' }) });
    expect(noColor.stderr).not.toContain('\x1b[');
  });
});
