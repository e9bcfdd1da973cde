/**
 * createNodeFetch on its own (the transports' suites run over it too): bodies read first and streamed, headers,
 * failures shaped like the global fetch's, aborts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LazyAbortController } from '@mcpkit/protocol';
import { CANCELLATION, RAW_HEADER, TAKES_CANCELLATION, mediaType } from '../transports/http-support.js';
import { createNodeFetch } from './node-fetch.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/echo') {
        res.setHeader('x-seen', `${req.method} ${req.headers['x-custom'] ?? ''} ${body}`);
        res.setHeader('set-cookie', ['a=1', 'b=2']);
        res.end(JSON.stringify({ ok: true }));
      } else if (req.url === '/big') {
        for (let i = 0; i < 64; i++) res.write('x'.repeat(1024));
        res.end();
      } else if (req.url === '/hang') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
      } else if (req.url === '/form') {
        res.setHeader('content-type', 'application/x-www-form-urlencoded');
        res.end('a=1&b=2');
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('createNodeFetch', () => {
  it('sends method, headers and body; answers status, headers and body', async () => {
    const fetch = createNodeFetch();
    const response = await fetch(`${base}/echo`, { method: 'POST', headers: new Headers({ 'X-Custom': 'yes' }), body: 'hello' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-seen')).toBe('POST yes hello');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('streams a body past maxBufferedBytes, whole', async () => {
    const response = await createNodeFetch({ maxBufferedBytes: 4096 })(`${base}/big`);
    expect((await response.text()).length).toBe(64 * 1024);
  });

  it('answers an event stream at once, and an abort ends its body', async () => {
    const controller = new AbortController();
    const response = await createNodeFetch()(`${base}/hang`, { signal: controller.signal });
    const reader = response.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
    controller.abort(new Error('stop'));
    await expect(reader.read()).rejects.toThrow();
  });

  it('gives a bodiless answer a null body', async () => {
    const response = await createNodeFetch()(`${base}/empty`, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });

  it('rejects like the global fetch: TypeError "fetch failed" with the socket error as cause; the abort reason', async () => {
    const fetch = createNodeFetch();
    const refused = await fetch('http://127.0.0.1:1/').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect(refused).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    const reason = new Error('cancelled');
    await expect(fetch(`${base}/echo`, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(fetch('ftp://example.com/')).rejects.toThrow(/unsupported protocol ftp:/);
  });
});

describe('a Cancellation in place of a signal (what the transports pass)', () => {
  it('is marked as taken; aborting it before the answer ends the request with its reason, and nothing stays registered after one', async () => {
    const fetch = createNodeFetch() as typeof globalThis.fetch & { [TAKES_CANCELLATION]?: boolean };
    expect(fetch[TAKES_CANCELLATION]).toBe(true);
    const hung = new LazyAbortController();
    const waiting = fetch(`${base}/hang`, { [CANCELLATION]: hung } as RequestInit);
    // An event stream answers at once: the abort then ends its body.
    const reader = (await waiting).body!.getReader();
    await reader.read();
    hung.abort(new Error('stop'));
    await expect(reader.read()).rejects.toThrow();
    // Aborted before the answer: rejects with the reason.
    const early = new LazyAbortController();
    const pending = fetch(`${base}/echo`, { method: 'POST', body: 'x', [CANCELLATION]: early } as RequestInit);
    const reason = new Error('cancelled');
    early.abort(reason);
    await expect(pending).rejects.toBe(reason);
    // Answered: the fetch's abort callback is forgotten once the body is done (a callback left behind would keep
    // the request alive as long as the caller's cancellation).
    const done = new LazyAbortController();
    let registered = 0;
    const counting = { get aborted() { return done.aborted; }, get reason() { return done.reason; }, onAbort: (cb: (r: unknown) => void) => {
      registered++;
      const forget = done.onAbort(cb);
      return () => {
        registered--;
        forget();
      };
    } };
    const response = await fetch(`${base}/echo`, { method: 'POST', body: 'y', [CANCELLATION]: counting } as RequestInit);
    expect(await response.json()).toEqual({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(registered).toBe(0);
  });
});

describe('a successful answer read whole', () => {
  it('reads once through text(), json(), arrayBuffer() or body, like any Response', async () => {
    const fetch = createNodeFetch();
    const a = await fetch(`${base}/echo`);
    expect(a).toBeInstanceOf(Response);
    expect(a.ok).toBe(true);
    expect(a.bodyUsed).toBe(false);
    expect(await a.text()).toBe('{"ok":true}');
    expect(a.bodyUsed).toBe(true);
    await expect(a.text()).rejects.toThrow(/already been read/);
    const b = await fetch(`${base}/echo`);
    const copy = b.clone();
    expect(new TextDecoder().decode(await b.arrayBuffer())).toBe('{"ok":true}');
    const reader = copy.body!.getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe('{"ok":true}');
    expect((await reader.read()).done).toBe(true);
    expect(copy.bodyUsed).toBe(true);
  });
});

describe('every member of a Response works on an answer read whole (it never runs the Response constructor)', () => {
  it('answers each property and body reader the way a plain Response over the same bytes would', async () => {
    const fetch = createNodeFetch();
    const read = async (f: (r: Response) => unknown) => {
      const ours = await fetch(`${base}/echo`);
      const text = await (await fetch(`${base}/echo`)).text();
      const plain = new Response(new TextEncoder().encode(text), { status: ours.status, statusText: ours.statusText, headers: ours.headers });
      return [await f(ours), await f(plain)];
    };
    for (const key of Object.getOwnPropertyNames(Response.prototype).filter((k) => k !== 'constructor')) {
      const getter = Object.getOwnPropertyDescriptor(Response.prototype, key)!.get !== undefined;
      if (key === 'body' || key === 'headers' || key === 'clone' || key === 'formData') continue; // below
      const [ours, plain] = await read((r) => (getter ? (r as unknown as Record<string, unknown>)[key] : (r as unknown as Record<string, () => unknown>)[key]!()));
      if (ours instanceof Blob) expect([ours.type, await ours.text()]).toEqual([(plain as Blob).type, await (plain as Blob).text()]);
      else if (ours instanceof ArrayBuffer || ours instanceof Uint8Array) expect(Buffer.from(ours as ArrayBuffer)).toEqual(Buffer.from(plain as ArrayBuffer));
      else expect(ours, key).toEqual(plain);
    }
    const form = await (await fetch(`${base}/form`)).formData();
    expect(form.get('a')).toBe('1');
    expect(Object.prototype.toString.call(await fetch(`${base}/echo`))).toBe('[object Response]');
    expect(inspect(await fetch(`${base}/echo`))).toContain('status: 200');
  });
});

describe('the headers of an answer read whole', () => {
  it('makes its Headers only when read, the same as a plain Response would have, and keeps them on a clone', async () => {
    const fetch = createNodeFetch();
    const a = await fetch(`${base}/echo`, { method: 'POST', headers: { 'X-Custom': 'raw' }, body: 'b' });
    const raw = (a as unknown as Record<typeof RAW_HEADER, (name: string) => string | undefined>)[RAW_HEADER];
    expect(typeof raw).toBe('function');
    expect(raw.call(a, 'x-seen')).toBe('POST raw b');
    expect(raw.call(a, 'absent')).toBeUndefined();
    expect(a.statusText).toBe('OK');
    expect(mediaType(a)).toBe('');
    const copy = a.clone();
    expect(a.headers.get('x-seen')).toBe('POST raw b');
    expect(copy.headers.get('x-seen')).toBe('POST raw b');
    expect(copy.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });
});
