/**
 * Issue 10: an SSE stream of the gateway resumes on another replica. Two `mcpkit gateway` processes share
 * `sessions.secret` and Redis (`storage.redis`: sealed sessions, the answer bus and the SSE event store). A
 * session-era client starts a long tool call with progress on replica A, reads the first event and drops the
 * stream; it then resumes with `Last-Event-ID` on replica B and receives every later progress event once, in
 * order, and the result — while A, which still runs the call, keeps producing them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayProcess, ROOT, startGatewayProcess, writeRedisReplicaConfig } from './harness.js';
import { skipRedis } from '../../packages/gateway/src/store/test-support/services.js';

const available = !(await skipRedis());
const PREFIX = `mcpkit-test-${randomBytes(4).toString('hex')}:`;
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-resume-'));
const replicas: GatewayProcess[] = [];
const VERSION = '2025-11-25';

function writeConfig(n: number): string {
  return writeRedisReplicaConfig(dir, n, `  everything:
    command: ${process.execPath}
    args: [${ROOT}servers/everything/dist/bin.js]`, PREFIX);
}

interface SseEvent {
  id: string | undefined;
  data: { id?: unknown; method?: string; params?: { progress?: number }; result?: { content?: Array<{ text?: string }> } };
}

/** Reads SSE events from a response body as they arrive; `stop` ends the read (drops the stream). */
function sseReader(res: Response): { next(): Promise<SseEvent | undefined>; stop(): Promise<void> } {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  return {
    async next() {
      for (;;) {
        const cut = buffer.search(/\r?\n\r?\n/);
        if (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(buffer.slice(cut).match(/^\r?\n\r?\n/)![0].length + cut);
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith('id:')) id = line.slice(3).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
          }
          // A comment, a retry hint, or the primer event (an id with empty data) that opens a resumable stream.
          if (data.join('') === '') continue;
          return { id, data: JSON.parse(data.join('\n')) as SseEvent['data'] };
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    stop: () => reader.cancel(),
  };
}

describe.runIf(available)('two gateway replicas sharing Redis: an SSE stream resumes on the other replica', () => {
  beforeAll(async () => {
    process.env.MCPKIT_TEST_SESSION_SECRET = randomBytes(32).toString('base64url');
    for (const n of [0, 1]) replicas.push(await startGatewayProcess(writeConfig(n)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('a tool call started on A, its stream dropped after the first event, continues on B with Last-Event-ID', { timeout: 60_000 }, async () => {
    const [a, b] = replicas as [GatewayProcess, GatewayProcess];
    const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(body) });
    const init = await post(a.url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'resume-test', version: '0' } } });
    expect(init.status).toBe(200);
    const session = init.headers.get('mcp-session-id')!;
    await init.body?.cancel();
    const headers = { 'mcp-session-id': session, 'mcp-protocol-version': VERSION };
    expect((await post(b.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers)).status).toBe(202);

    // Six steps over three seconds: the first progress arrives on A, the rest after the stream is dropped.
    const call = await post(a.url, { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'everything__long_running', arguments: { seconds: 3, steps: 6 }, _meta: { progressToken: 'p' } } }, headers);
    expect(call.status).toBe(200);
    expect(call.headers.get('content-type')).toContain('text/event-stream');
    const first = sseReader(call);
    const seen: SseEvent[] = [];
    let event = await first.next();
    while (event !== undefined && event.data.method !== 'notifications/progress') event = await first.next();
    expect(event?.data.params?.progress).toBeDefined();
    expect(event?.id, 'events carry ids to resume from').toBeTruthy();
    seen.push(event!);
    await first.stop();

    // Resume on B, which never saw this stream.
    const resumed = await fetch(b.url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream', 'last-event-id': event!.id! } });
    expect(resumed.status).toBe(200);
    const rest = sseReader(resumed);
    for (;;) {
      const next = await rest.next();
      if (next === undefined) break;
      seen.push(next);
      if (next.data.id === 7) break;
    }
    await rest.stop();

    const result = seen.at(-1)!;
    expect(result.data.id, 'the result arrives on the resumed stream').toBe(7);
    expect(result.data.result?.content?.[0]?.text).toMatch(/Long-running operation finished/);
    const progress = seen.filter((e) => e.data.method === 'notifications/progress').map((e) => e.data.params!.progress);
    // Every step once, in order: nothing lost while no stream was held, nothing replayed twice.
    expect(progress).toEqual([...progress].sort((x, y) => x! - y!));
    expect(new Set(progress).size).toBe(progress.length);
    expect(progress.length).toBeGreaterThanOrEqual(6);
    const ids = seen.map((e) => e.id).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
