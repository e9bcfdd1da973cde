/**
 * The SSE parser against the WHATWG event-stream rules: fields, multi-line data, comments, every line ending,
 * BOM, chunk boundaries anywhere, the size cap, linear time, and a real HTTP body.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MessageTooLargeError } from '@mcpkit/protocol';
import { type SseEvent, SseParser, readSse } from './sse-parser.js';
import { type LocalServer, listenLocal, startSse } from '../../../../test/helpers/local-http.js';

const bytes = (s: string) => new TextEncoder().encode(s);

function parse(text: string, options?: { maxEventSize?: number }): { events: SseEvent[]; parser: SseParser } {
  const parser = new SseParser(options);
  const events = parser.feed(bytes(text));
  parser.end();
  return { events, parser };
}

/** Feeds `text` split at every position given, as bytes. */
function parseChunks(chunks: Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const out = chunks.flatMap((c) => parser.feed(c));
  parser.end();
  return out;
}

describe('fields', () => {
  it('dispatches a data event with the default type', () => {
    expect(parse('data: hello\n\n').events).toEqual([{ event: 'message', data: 'hello', id: undefined, retry: undefined }]);
  });

  it('joins multi-line data with LF and strips exactly one leading space', () => {
    const { events } = parse('data:one\ndata:  two\ndata\n\n');
    expect(events.map((e) => e.data)).toEqual(['one\n two\n']);
  });

  it('reads event types, keeps the last event id across events, and ignores unknown fields', () => {
    const { events, parser } = parse('event: endpoint\nid: 7\nfoo: bar\ndata: /post\n\ndata: next\n\n');
    expect(events).toEqual([
      { event: 'endpoint', data: '/post', id: '7', retry: undefined },
      { event: 'message', data: 'next', id: '7', retry: undefined },
    ]);
    expect(parser.lastEventId).toBe('7');
  });

  it('ignores an id containing NUL and a non-numeric retry', () => {
    const { events, parser } = parse('id: 1\nretry: 250\ndata: a\n\nid: 2\0x\nretry: 5s\ndata: b\n\n');
    expect(events.map((e) => [e.id, e.retry])).toEqual([
      ['1', 250],
      ['1', 250],
    ]);
    expect(parser.retry).toBe(250);
  });

  it('sets the last event id from a block without data, which dispatches nothing', () => {
    const { events, parser } = parse('id: 42\n\n');
    expect(events).toEqual([]);
    expect(parser.lastEventId).toBe('42');
  });

  it('dispatches an empty data field (a priming event) with empty data', () => {
    expect(parse('id: p1\nretry: 100\ndata: \n\n').events).toEqual([{ event: 'message', data: '', id: 'p1', retry: 100 }]);
  });

  it('ignores comments, including bare keep-alive colons', () => {
    expect(parse(':\r\n: keepalive\n\ndata: x\n: inside\n\n').events.map((e) => e.data)).toEqual(['x']);
  });

  it('discards an event the stream ended in the middle of', () => {
    const parser = new SseParser();
    expect(parser.feed('data: complete\n\ndata: partial\n')).toHaveLength(1);
    expect(parser.end()).toBe(true);
  });

  it('does not take an id from an unfinished block as the last event id', () => {
    const parser = new SseParser();
    parser.feed('id: 1\ndata: a\n\nid: 2\ndata: b\n');
    parser.end();
    expect(parser.lastEventId).toBe('1');
  });
});

describe('line ends, BOM and chunk boundaries', () => {
  it('accepts LF, CR and CRLF, mixed', () => {
    expect(parse('data: a\rdata: b\r\ndata: c\n\r\ndata: d\r\r').events.map((e) => e.data)).toEqual(['a\nb\nc', 'd']);
  });

  it('counts a CRLF split across chunks once', () => {
    expect(parseChunks([bytes('data: a\r'), bytes('\ndata: b\r'), bytes('\n\r'), bytes('\n')]).map((e) => e.data)).toEqual(['a\nb']);
  });

  it('drops one leading BOM only', () => {
    const { events } = parse('\uFEFFdata: x\n\n\uFEFFdata: y\n\ndata: z\n\n');
    // The second BOM is part of a field name ("\uFEFFdata"), an unknown field.
    expect(events.map((e) => e.data)).toEqual(['x', 'z']);
  });

  it('drops a BOM that arrives split across chunks', () => {
    const bom = bytes('\uFEFFdata: x\n\n');
    expect(parseChunks([bom.subarray(0, 1), bom.subarray(1, 2), bom.subarray(2)]).map((e) => e.data)).toEqual(['x']);
  });

  it('gives the same events whatever the chunking, multi-byte characters included', () => {
    const text = '\uFEFFevent: a\r\nid: é1\r\ndata: 世界\r\ndata: {"x":1}\r\n\r\n: c\rdata: ünï\n\nretry: 9\ndata: z\r\r';
    const whole = parse(text).events;
    const all = bytes(text);
    expect(parseChunks([...all].map((b) => Uint8Array.of(b)))).toEqual(whole);
    for (let cut = 1; cut < all.length; cut++) expect(parseChunks([all.subarray(0, cut), all.subarray(cut)])).toEqual(whole);
    expect(whole.map((e) => e.data)).toEqual(['世界\n{"x":1}', 'ünï', 'z']);
  });
});

describe('limits', () => {
  it('refuses an event whose data outgrows the cap', () => {
    expect(() => parse(`data: ${'x'.repeat(50)}\ndata: ${'y'.repeat(50)}\n\n`, { maxEventSize: 80 })).toThrow(MessageTooLargeError);
  });

  it('refuses an endless line before it is complete', () => {
    const parser = new SseParser({ maxEventSize: 1000 });
    const chunk = 'x'.repeat(100);
    expect(() => {
      for (let i = 0; i < 20; i++) parser.feed(chunk);
    }).toThrow(MessageTooLargeError);
  });

  it('lets endless keep-alive comments through: they are no event', () => {
    const parser = new SseParser({ maxEventSize: 100 });
    for (let i = 0; i < 1000; i++) parser.feed(':\r\n');
    expect(parser.feed('data: ok\n\n').map((e) => e.data)).toEqual(['ok']);
  });

  it('parses a 4 MB line fed in 64-byte chunks in linear time', () => {
    const parser = new SseParser();
    const chunk = bytes('a'.repeat(64));
    const started = performance.now();
    parser.feed('data: ');
    for (let i = 0; i < (4 * 1024 * 1024) / 64; i++) parser.feed(chunk);
    const events = parser.feed('\n\n');
    // Quadratic buffering would copy ~130 GB here; linear parsing takes well under a second.
    expect(performance.now() - started).toBeLessThan(5000);
    expect(events[0]!.data.length).toBe(4 * 1024 * 1024);
  });
});

describe('readSse over a real HTTP body', () => {
  let local: LocalServer | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('yields events as they arrive and cancels the body when the reader stops early', async () => {
    local = await listenLocal((_req, res) => {
      startSse(res);
      res.write('id: 1\ndata: first\n\n');
      setTimeout(() => res.write('data: sec'), 20);
      setTimeout(() => res.write('ond\n\n'), 40);
      // never ends by itself
    });
    const response = await fetch(local.url);
    const parser = new SseParser();
    const seen: string[] = [];
    for await (const event of readSse(response.body!, parser)) {
      seen.push(event.data);
      if (seen.length === 2) break;
    }
    expect(seen).toEqual(['first', 'second']);
    expect(parser.lastEventId).toBe('1');
    await local.seen[0]!.closed;
    expect(local.seen[0]!.aborted()).toBe(true);
  });
});
