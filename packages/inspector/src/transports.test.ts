// The inspector over the deprecated HTTP+SSE transport (issue 12): a URL that refuses a Streamable HTTP POST is
// tried as an HTTP+SSE endpoint, as `connectHttp` does; the API works the same over it.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type InspectProcess, startInspect, waitFor } from '../test-support/inspect-process.js';

const LEGACY = fileURLToPath(new URL('../test-support/legacy-sse-server.mjs', import.meta.url));

function startLegacyServer(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [LEGACY], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no URL from the HTTP+SSE server: ${out}`))), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
      if (url) (clearTimeout(timer), resolve({ url, child }));
    });
  });
}

describe('mcpkit inspect over HTTP+SSE (issue 12)', () => {
  let server: { url: string; child: ChildProcess } | undefined;
  let inspect: InspectProcess | undefined;
  afterAll(async () => {
    await inspect?.stop();
    server?.child.kill('SIGTERM');
  });

  it('falls back to the legacy transport, and lists, calls and records over it', async () => {
    server = await startLegacyServer();
    inspect = await startInspect(['--url', server.url]);
    const headers = { Authorization: `Bearer ${inspect.token}`, 'Content-Type': 'application/json' };
    const api = async <T = unknown>(path: string, body?: unknown): Promise<T> => (await (await fetch(`${inspect!.origin}${path}`, body === undefined ? { headers } : { method: 'POST', headers, body: JSON.stringify(body) })).json()) as T;
    const state = await waitFor('connected', async () => {
      const { state } = await api<{ state: { status: string; transport: string; era?: string } }>('/api/state');
      return state.status === 'connected' || state.status === 'failed' ? state : undefined;
    });
    expect(state).toMatchObject({ status: 'connected', transport: 'sse', era: 'session' });
    expect((await api<{ result: { name: string }[] }>('/api/tools')).result.map((t) => t.name)).toEqual(['echo']);
    expect(await api('/api/tools/call', { name: 'echo', arguments: { text: 'over sse' } })).toMatchObject({ result: { content: [{ type: 'text', text: 'over sse' }] } });
    // The event stream replays the history: the failed Streamable HTTP attempt and the legacy session alike.
    const res = await fetch(`${inspect.origin}/api/events`, { headers });
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('over sse')) text += (await reader.read()).value ?? '';
    await reader.cancel();
    expect(text).toContain('"method":"initialize"');
    expect(text).toContain('"method":"tools/call"');
  });
});
