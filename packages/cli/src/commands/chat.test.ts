// `mcpkit chat` as a process: --print against the LLM double (both wire formats) and real stdio servers, and the
// interactive chat on a pseudo-terminal answering approval questions.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { LlmDouble, type ScriptedTurn, lastToolResults, offeredTools } from '@mcpkit/host/testing';
import { CLI, EVERYTHING, ROOT, cleanEnv, runCli, runInTerminal, startHttpServer } from '../testing/harness.js';
import { serverNameFor } from './chat.js';

const SLOW = 60_000;
const WEATHER = ['node', join(ROOT, 'servers', 'weather', 'dist', 'bin.js')];
const KEY = 'sk-ant-secret-key-123';
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

async function double(turns: ScriptedTurn[]): Promise<LlmDouble> {
  const llm = await LlmDouble.start({ turns });
  cleanups.push(() => llm.close());
  return llm;
}

// Remembered approvals go to a fresh XDG_CONFIG_HOME, never the user's own file.
const env = () => cleanEnv({ ANTHROPIC_API_KEY: KEY, OPENAI_API_KEY: KEY, NO_COLOR: '1', XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'mcpkit-chat-config-')) });
const echoResult: ScriptedTurn = (req) => ({ text: `Result: ${lastToolResults(req)[0]?.content.replace(/^Error: /, '')}` });

describe('mcpkit chat --print', () => {
  it.each(['anthropic', 'openai'] as const)('%s: runs an allowed tool and prints only the final answer', { timeout: SLOW }, async (provider) => {
    const llm = await double([{ text: 'Let me check.', toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Paris' } }] }, echoResult]);
    const r = await runCli(['chat', '--provider', provider, '--base-url', provider === 'anthropic' ? llm.url : llm.openAiUrl, '--model', 'm-1', '--print', 'Weather in Paris?', '--allow-tool', 'get_weather', '--', ...WEATHER], { env: env() });
    expect(r.stderr).not.toContain(KEY);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Result: Paris, FR: [a-z ]+, -?\d+(\.\d)? °C \(feels like -?\d+(\.\d)? °C\), humidity \d+%, wind \d+ km\/h [A-Z]+, precipitation [\d.]+ mm\n$/);
    expect(r.stderr).toContain('\u2192 weather__get_weather {"city":"Paris"}');
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[0]!.body.model).toBe('m-1');
    if (provider === 'anthropic') expect(llm.requests[0]!.headers['x-api-key']).toBe(KEY);
    else expect(llm.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(offeredTools(llm.requests[0]!)).toEqual(['weather__get_weather', 'weather__get_forecast']);
  });

  it('refuses a tool not named with --allow-tool and tells the model', { timeout: SLOW }, async () => {
    const llm = await double([{ toolCalls: [{ name: 'weather__get_forecast', arguments: { city: 'Paris', days: 2 } }] }, echoResult]);
    const r = await runCli(['chat', '--provider', 'anthropic', '--base-url', llm.url, '--print', 'Forecast?', '--allow-tool', 'get_weather', '--', ...WEATHER], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Result: The tool weather__get_forecast is not allowed in this non-interactive session (the user did not allow it with --allow-tool), so it was not run. Do not retry it; answer without it.\n');
    expect(lastToolResults(llm.requests[1]!)[0]!.isError).toBe(true);
  });

  it('--config uses every server of the file; a 429 is retried after retry-after', { timeout: SLOW }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-'));
    const config = join(dir, '.mcp.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { everything: { command: EVERYTHING[0], args: EVERYTHING.slice(1) }, weather: { command: WEATHER[0], args: WEATHER.slice(1) } } }));
    const llm = await double([
      { status: 429, retryAfter: '1' },
      { toolCalls: [{ name: 'everything__add', arguments: { a: 20, b: 22 } }, { name: 'weather__get_weather', arguments: { city: 'Oslo' } }] },
      (req) => ({ text: lastToolResults(req).map((t) => t.content.split(':')[0]).join(' | ') }),
    ]);
    const r = await runCli(['chat', '--base-url', llm.url, '--print', 'p', '--allow-tool', 'everything__add', '--allow-tool', 'weather:get_weather', '--config', config], { env: env() });
    expect(r.stderr).toContain('model API answered 429; retrying in 1000 ms');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('42 | Oslo, NO\n');
    expect(llm.requests).toHaveLength(3);
  });

  it('--root answers roots/list for the servers', { timeout: SLOW }, async () => {
    const llm = await double([{ toolCalls: [{ name: 'everything__list_roots' }] }, echoResult]);
    const r = await runCli(['chat', '--base-url', llm.url, '--print', 'roots?', '--allow-tool', 'list_roots', '--root', 'docs', '--', ...EVERYTHING], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`Result: docs ${pathToFileURL(join(ROOT, 'docs')).href}\n`);
  });

  it('declines a server’s request for input in --print, and says so', { timeout: SLOW }, async () => {
    const llm = await double([{ toolCalls: [{ name: 'everything__elicit_info' }] }, echoResult]);
    const r = await runCli(['chat', '--base-url', llm.url, '--print', 'p', '--allow-tool', 'elicit_info', '--', ...EVERYTHING], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Result: You chose to decline\n');
    expect(r.stderr).toContain(`declined a server's request for input ("Tell me about yourself"): --print has no one to ask`);
  });

  it('an HTTP server from --config, with OpenAI and --no-stream', { timeout: SLOW }, async () => {
    const web = await startHttpServer(process.execPath, [EVERYTHING[1]!, '--http', '0']);
    cleanups.push(() => web.stop());
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-'));
    const config = join(dir, '.mcp.json');
    writeFileSync(config, JSON.stringify({ mcpServers: { web: { type: 'http', url: web.url } } }));
    const llm = await double([{ toolCalls: [{ name: 'web__add', arguments: { a: 1, b: 2 } }] }, echoResult]);
    const r = await runCli(['chat', '--provider', 'openai', '--base-url', llm.openAiUrl, '--no-stream', '--print', 'p', '--allow-tool', 'web__add', '--config', config], { env: env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Result: 3\n');
    expect(llm.requests.map((q) => q.body.stream)).toEqual([false, false]);
  });

  it('--lock pins the servers on first use and hides a tool whose definition drifted', { timeout: SLOW }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-'));
    const lock = join(dir, 'mcp.lock.json');
    const llm = await double([
      { toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Cairo' } }] },
      (req) => ({ text: lastToolResults(req)[0]!.content.split(':')[0]! }),
      { toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Cairo' } }] },
      (req) => ({ text: lastToolResults(req)[0]!.content.replace(/^Error: /, '').split('.')[0]! }),
    ]);
    const args = ['chat', '--base-url', llm.url, '--print', 'p', '--allow-tool', 'get_weather', '--lock', lock, '--', ...WEATHER];
    const first = await runCli(args, { env: env() });
    expect(first.stdout).toBe('Cairo, EG\n');
    const pinned = JSON.parse(readFileSync(lock, 'utf8')) as { servers: Record<string, { tools: Record<string, { digest: string }> }> };
    expect(Object.keys(pinned.servers)).toEqual(['weather']);
    expect(pinned.servers.weather!.tools.get_weather!.digest).toMatch(/^[0-9a-f]{64}$/);
    // The approved digest is not what the server serves now: the tool has drifted.
    pinned.servers.weather!.tools.get_weather!.digest = '0'.repeat(64);
    writeFileSync(lock, JSON.stringify(pinned));
    const second = await runCli(args, { env: env() });
    expect(second.stderr).toMatch(/weather: tool:get_weather is hidden until approved/);
    expect(second.stdout).toBe('There is no tool named "weather__get_weather"\n');
    expect(offeredTools(llm.requests[2]!)).toEqual(['weather__get_forecast']);
  });

  it('--record writes the conversation; --replay runs it again with no model API and no server', { timeout: SLOW }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-chat-'));
    const file = join(dir, 'chat.jsonl');
    const llm = await double([{ toolCalls: [{ name: 'weather__get_forecast', arguments: { city: 'Oslo', days: 2 } }] }, echoResult]);
    const recorded = await runCli(['chat', '--base-url', llm.url, '--print', 'Oslo?', '--allow-tool', 'get_forecast', '--record', file, '--', ...WEATHER], { env: env() });
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toMatch(/^Result: Oslo, NO, 2-day forecast:\ntoday: /);
    await llm.close();
    const kinds = readFileSync(file, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind);
    expect(kinds).toEqual(['mcpkit-transcript', 'model', 'tool', 'model']);
    const replayed = await runCli(['chat', '--replay', file, '--print', 'Oslo?', '--allow-tool', 'get_forecast'], { env: cleanEnv({ ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '', NO_COLOR: '1' }) });
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toBe(recorded.stdout);
    // Without --print, every message the transcript recorded (here the one).
    const whole = await runCli(['chat', '--replay', file, '--allow-tool', 'get_forecast'], { env: env() });
    expect(whole.code).toBe(0);
    expect(whole.stdout).toBe(recorded.stdout);
  });

  it('a stdio server that dies mid-call: the model hears why, the turn ends with its answer, exit 0', { timeout: SLOW }, async () => {
    const dying = ['node', join(ROOT, 'packages', 'cli', 'src', 'fixtures', 'dying-server.mjs')];
    const llm = await double([{ toolCalls: [{ name: 'dying-server__crash' }] }, (req) => ({ text: `Sorry: ${lastToolResults(req)[0]!.content}` })]);
    const r = await runCli(['chat', '--base-url', llm.url, '--print', 'p', '--allow-tool', 'crash', '--', ...dying], { env: env() });
    expect(r.code, r.stderr).toBe(0);
    const told = lastToolResults(llm.requests[1]!)[0]!;
    expect(told.isError).toBe(true);
    // The exit code and the stderr tail reach the model, not a bare "connection closed".
    expect(told.content).toContain('exited with code 3; the end of its stderr:');
    expect(told.content).toContain('out of memory (simulated)');
    expect(r.stdout).toMatch(/^Sorry: /);
  });

  it('a model API that refuses fails with exit 3 and the API’s message, never the key', { timeout: SLOW }, async () => {
    const llm = await double([{ status: 400 }]);
    const r = await runCli(['chat', '--base-url', llm.url, '--print', 'p', '--', ...WEATHER], { env: env() });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('mcpkit: the model API failed: Anthropic API answered HTTP 400: scripted 400');
    expect(r.stderr).not.toContain(KEY);
  });

  it('usage errors: no server (exit 2), no key (exit 2), a server that cannot start (exit 3)', { timeout: SLOW }, async () => {
    const noServer = await runCli(['chat', '--print', 'p'], { env: env() });
    expect(noServer.code).toBe(2);
    expect(noServer.stderr).toContain('no MCP server to chat with');
    const noKey = await runCli(['chat', '--provider', 'anthropic', '--print', 'p', '--', ...WEATHER], { env: cleanEnv({ ANTHROPIC_API_KEY: '', OPENAI_API_KEY: '' }) });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('no API key for Anthropic');
    const broken = await runCli(['chat', '--base-url', 'http://127.0.0.1:9', '--print', 'p', '--', join(ROOT, 'no-such-server')], { env: env() });
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain('no MCP server could be started');
  });

  it('Ctrl-C while the model streams ends the conversation with exit 130', { timeout: SLOW }, async () => {
    const llm = await double([{ text: 'thinking forever', hang: true }]);
    const child = spawn(process.execPath, [CLI, 'chat', '--base-url', llm.url, '--print', 'p', '--', ...WEATHER], { cwd: ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const deadline = Date.now() + 30_000;
    while (llm.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted');
  });
});

describe('mcpkit chat on a terminal', () => {
  it('asks before each tool call: allow once, then deny, and streams the answers', { timeout: SLOW }, async () => {
    const llm = await double([
      { toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Tokyo' } }] },
      (req) => ({ text: `first: ${lastToolResults(req)[0]!.content.split(',')[0]}` }),
      { toolCalls: [{ name: 'weather__get_weather', arguments: { city: 'Lima' } }] },
      (req) => ({ text: `second: ${lastToolResults(req)[0]!.content.replace(/^Error: /, '')}` }),
    ]);
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--', ...WEATHER], {
      env: env(),
      answers: [
        ['you> ', 'Tokyo?\r'],
        ['[N] deny: ', 'y\r'],
        ['you> ', 'Lima?\r'],
        ['[N] deny: ', 'n\r'],
        ['you> ', '/exit\r'],
      ],
    });
    expect(r.output).toContain('weather__get_weather on server "weather" wants to run with {"city":"Tokyo"}');
    expect(r.output).toContain('first: Tokyo');
    expect(r.output).toContain('second: The user denied the call to weather__get_weather; it was not run.');
    expect(r.code).toBe(0);
    expect(llm.requests).toHaveLength(4);
  });

  it('a spinner names the tool calls while they run, and Ctrl-C cancels them and erases it', { timeout: SLOW }, async () => {
    const llm = await double([{ toolCalls: [{ name: 'everything__long_running', arguments: { seconds: 60, steps: 2 } }] }, echoResult]);
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--allow-tool', 'long_running', '--', ...EVERYTHING], {
      env: env(),
      answers: [
        ['you> ', 'go\r'],
        // Typed only once the spinner is on screen: a 60 s call that never shows one fails by timeout.
        ['running everything__long_running', '\x03'],
        ['you> ', '/exit\r'],
      ],
    });
    expect(r.code).toBe(0);
    const spun = r.output.indexOf('running everything__long_running');
    // Erased before the cancellation is reported.
    const erased = r.output.indexOf('\r\x1b[K', spun);
    expect(erased).toBeGreaterThan(spun);
    expect(r.output.indexOf('(cancelled)', spun)).toBeGreaterThan(erased);
    expect(llm.requests).toHaveLength(1);
  });

  it('Ctrl-C cancels the streaming answer and the chat goes on', { timeout: SLOW }, async () => {
    const llm = await double([{ text: 'thinking forever', hang: true }, { text: 'second answer' }]);
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--', ...WEATHER], {
      env: env(),
      answers: [
        ['you> ', 'first\r'],
        ['thinking forever', '\x03', 100],
        ['you> ', 'again\r'],
        ['second answer', '/exit\r', 100],
      ],
    });
    expect(r.output).toContain('(cancelled)');
    expect(r.output).toContain('second answer');
    expect(r.code).toBe(0);
    expect(llm.requests).toHaveLength(2);
  });

  it('asks a server’s elicitation form on the terminal', { timeout: SLOW }, async () => {
    const llm = await double([{ toolCalls: [{ name: 'everything__elicit_info' }] }, (req) => ({ text: `final: ${lastToolResults(req)[0]!.content}` })]);
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--allow-tool', 'elicit_info', '--', ...EVERYTHING], {
      env: env(),
      answers: [
        ['you> ', 'go\r'],
        ['  name (', 'Ada\r'],
        ['  age (', '36\r'],
        ['Send {', 'y\r'],
        ['you> ', '/exit\r'],
      ],
    });
    expect(r.output).toContain('The server asks: Tell me about yourself');
    expect(r.output).toContain('Send {"name":"Ada","age":36}?');
    expect(r.output).toContain('final: Hello Ada');
    expect(r.code).toBe(0);
  });

  it('runs a server prompt as a /command and attaches @server:uri resources', { timeout: SLOW }, async () => {
    const llm = await double([{ text: 'Dear Ada.' }, { text: 'Read it.' }]);
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--', ...EVERYTHING], {
      env: env(),
      answers: [
        ['you> ', '/everything__greeting name=Ada style="very formal"\r'],
        ['Dear Ada.', 'see @everything:demo://readme\r', 100],
        ['Read it.', '/exit\r', 100],
      ],
    });
    expect(r.code).toBe(0);
    const first = llm.requests[0]!.body.messages as Array<{ role: string; content: Array<{ text: string }> }>;
    expect(first).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Write a very formal greeting for Ada.' }] }]);
    const second = llm.requests[1]!.body.messages as Array<{ role: string; content: Array<{ text: string }> }>;
    expect(second.at(-1)!.content.map((p) => p.text)).toEqual(['see @everything:demo://readme', '<resource server="everything" uri="demo://readme">\n# mcpkit everything\nA demo of every MCP feature.\n</resource>']);
  });

  it('serves a sampling request after the user approves it', { timeout: SLOW }, async () => {
    const llm = await double([
      { toolCalls: [{ name: 'everything__sample_llm', arguments: { prompt: 'Name a colour' } }] },
      { text: 'teal' },
      (req) => ({ text: `final: ${lastToolResults(req)[0]!.content}` }),
    ]);
    const r = await runInTerminal(['chat', '--base-url', llm.url, '--allow-tool', 'sample_llm', '--', ...EVERYTHING], {
      env: env(),
      answers: [
        ['you> ', 'go\r'],
        ['send it to the model? [y/N]: ', 'y\r'],
        ['you> ', '/exit\r'],
      ],
    });
    expect(r.output).toContain('server "everything" asks the model (sampling, up to 100 tokens):');
    expect(r.output).toContain('user: Name a colour');
    expect(r.output).toContain('final: LLM said: teal');
    expect(r.code).toBe(0);
  });
});

describe('serverNameFor', () => {
  it('names a server after what it runs', () => {
    expect(serverNameFor(['node', '/repo/servers/weather/dist/bin.js'])).toBe('weather');
    expect(serverNameFor(['npx', '-y', '@acme/mcp-files@1.2.0'])).toBe('mcp-files');
    expect(serverNameFor(['mcpkit-weather'])).toBe('mcpkit-weather');
    expect(serverNameFor(['uvx', 'mcp-server-git', '--repo', '.'])).toBe('mcp-server-git');
    expect(serverNameFor(['node', 'index.js'])).toBe('server');
  });
});
