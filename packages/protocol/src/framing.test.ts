import { describe, it, expect } from 'vitest';
import { MessageTooLargeError } from './errors.js';
import { DEFAULT_MAX_MESSAGE_BYTES, LineDecoder, encodeLine } from './framing.js';
import type { JsonRpcMessage } from './jsonrpc.js';

interface Decoded {
  lines: string[];
  errors: MessageTooLargeError[];
}

function feed(decoder: LineDecoder, chunks: Iterable<Uint8Array | string>, into: Decoded = { lines: [], errors: [] }): Decoded {
  for (const chunk of chunks) {
    decoder.push(
      chunk,
      (line) => into.lines.push(line),
      (error) => into.errors.push(error),
    );
  }
  return into;
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

function* slices(data: Uint8Array, size: number): Generator<Uint8Array> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

/** Deterministic chunk sizes in [1, max], so a failure reproduces. */
function* randomSlices(data: Uint8Array, max: number, seed: number): Generator<Uint8Array> {
  let state = seed >>> 0;
  let i = 0;
  while (i < data.length) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const size = 1 + (state % max);
    yield data.subarray(i, i + size);
    i += size;
  }
}

describe('encodeLine', () => {
  it('writes one JSON document followed by exactly one newline', () => {
    const message: JsonRpcMessage = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { text: 'line one\nline two\r\n' } };
    const line = encodeLine(message);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(line).not.toContain('\r');
    expect(JSON.parse(line)).toEqual(message);
  });

  it('round-trips characters that some readers treat as line breaks', () => {
    const message: JsonRpcMessage = { jsonrpc: '2.0', method: 'notifications/message', params: { data: 'a\u2028b\u2029c\u0085d\u000be' } };
    const { lines } = feed(new LineDecoder(), [utf8(encodeLine(message))]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual(message);
  });
});

describe('LineDecoder', () => {
  it('caps lines at 32 MiB by default', () => {
    expect(DEFAULT_MAX_MESSAGE_BYTES).toBe(32 * 1024 * 1024);
    expect(new LineDecoder().maxLength).toBe(DEFAULT_MAX_MESSAGE_BYTES);
    expect(new LineDecoder(10).maxLength).toBe(10);
  });

  it('emits a line without its newline, from bytes or from text', () => {
    expect(feed(new LineDecoder(), [utf8('{"a":1}\n')]).lines).toEqual(['{"a":1}']);
    expect(feed(new LineDecoder(), ['{"a":1}\n']).lines).toEqual(['{"a":1}']);
  });

  it('emits every message of a chunk that holds many', () => {
    const messages: JsonRpcMessage[] = Array.from({ length: 1000 }, (_, i) => ({ jsonrpc: '2.0', id: i, method: 'ping' }));
    const { lines, errors } = feed(new LineDecoder(), [utf8(messages.map(encodeLine).join(''))]);
    expect(errors).toEqual([]);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(messages);
  });

  it('joins one message spread over many chunks, down to one byte each', () => {
    const message: JsonRpcMessage = { jsonrpc: '2.0', id: 'big', result: { text: 'x'.repeat(5000), more: 'é€😀'.repeat(200) } };
    const data = utf8(encodeLine(message));
    const { lines, errors } = feed(new LineDecoder(), slices(data, 1));
    expect(errors).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual(message);
  });

  it('decodes multi-byte UTF-8 characters split across chunks at every byte offset', () => {
    // 2-, 3- and 4-byte sequences (é, €, 😀 and 𝄞 as a surrogate pair in UTF-16).
    const text = '{"t":"é€😀𝄞"}\n';
    const data = utf8(text);
    for (let cut = 1; cut < data.length; cut++) {
      const { lines } = feed(new LineDecoder(), [data.subarray(0, cut), data.subarray(cut)]);
      expect(lines, `split at byte ${cut}`).toEqual([text.slice(0, -1)]);
    }
    expect(feed(new LineDecoder(), slices(data, 1)).lines).toEqual([text.slice(0, -1)]);
  });

  it('replaces an invalid byte instead of losing the line or the next one', () => {
    const data = new Uint8Array([0x7b, 0xff, 0x7d, 0x0a, 0x7b, 0x7d, 0x0a]);
    expect(feed(new LineDecoder(), [data]).lines).toEqual(['{\ufffd}', '{}']);
  });

  it('strips CRLF line endings, also when CR and LF arrive in different chunks', () => {
    expect(feed(new LineDecoder(), ['{"a":1}\r\n{"b":2}\r\n']).lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(feed(new LineDecoder(), ['{"a":1}\r', '\n{"b":2}\r', '\n']).lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(feed(new LineDecoder(), [utf8('{"a":1}\r'), utf8('\n')]).lines).toEqual(['{"a":1}']);
  });

  it('keeps a CR that is not at the end of the line', () => {
    expect(feed(new LineDecoder(), ['{"a":\r1}\n']).lines).toEqual(['{"a":\r1}']);
  });

  it('ignores empty and whitespace-only lines', () => {
    const { lines, errors } = feed(new LineDecoder(), ['\n\n{"a":1}\n', ' \t \n\r\n', '\n', '{"b":2}\n\n']);
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    expect(errors).toEqual([]);
  });

  it('holds a line without its newline until the newline arrives', () => {
    const decoder = new LineDecoder();
    expect(decoder.hasPartial).toBe(false);
    const out = feed(decoder, ['{"a":', '1}']);
    expect(out.lines).toEqual([]);
    expect(decoder.hasPartial).toBe(true);
    feed(decoder, ['\n'], out);
    expect(out.lines).toEqual(['{"a":1}']);
    expect(decoder.hasPartial).toBe(false);
  });

  it('round-trips a stream of varied messages cut into random chunks', () => {
    const messages: JsonRpcMessage[] = [
      { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25' } },
      { jsonrpc: '2.0', method: 'notifications/message', params: { data: 'naïve café — 日本語 😀' } },
      { jsonrpc: '2.0', id: 'a', result: { content: [{ type: 'text', text: 'x'.repeat(300) }] } },
      { jsonrpc: '2.0', id: 2, error: { code: -32602, message: 'Invalid params', data: { at: 'ü' } } },
    ];
    const data = utf8(Array.from({ length: 25 }, () => messages.map(encodeLine).join('')).join(''));
    for (const seed of [1, 2, 3, 42, 1234]) {
      const { lines, errors } = feed(new LineDecoder(), randomSlices(data, 37, seed));
      expect(errors).toEqual([]);
      expect(lines.map((l) => JSON.parse(l) as unknown), `seed ${seed}`).toEqual(Array.from({ length: 25 }, () => messages).flat());
    }
  });

  describe('size cap', () => {
    it('accepts a line of exactly maxLength and rejects one character more', () => {
      const { lines, errors } = feed(new LineDecoder(10), ['x'.repeat(10) + '\n', 'y'.repeat(11) + '\n']);
      expect(lines).toEqual(['x'.repeat(10)]);
      expect(errors).toHaveLength(1);
    });

    it('counts the limit without the CRLF line ending', () => {
      // maxLength is "the longest line accepted", and a line is delivered without its `\n` or `\r\n`.
      expect(feed(new LineDecoder(10), ['x'.repeat(10) + '\r\n'])).toEqual({ lines: ['x'.repeat(10)], errors: [] });
      expect(feed(new LineDecoder(10), ['x'.repeat(10) + '\r', '\n'])).toEqual({ lines: ['x'.repeat(10)], errors: [] });
    });

    it('reports an oversized line inside one chunk and delivers the next line of that chunk', () => {
      const { lines, errors } = feed(new LineDecoder(10), ['{"a":1}\n' + 'x'.repeat(50) + '\n{"b":2}\n']);
      expect(lines).toEqual(['{"a":1}', '{"b":2}']);
      expect(errors).toHaveLength(1);
      const [error] = errors;
      expect(error).toBeInstanceOf(MessageTooLargeError);
      expect(error!.code).toBe('MCPKIT_MESSAGE_TOO_LARGE');
      expect(error!.message).toContain('10');
    });

    it('reports a line that grows past the cap over many chunks once, and recovers on the next line', () => {
      const decoder = new LineDecoder(10);
      const out = feed(decoder, ['xxxx', 'xxxx', 'xxxx', 'xxxx', 'xxxx', 'xx\n{"ok":1}', '\n']);
      expect(out.errors).toHaveLength(1);
      expect(out.errors[0]).toBeInstanceOf(MessageTooLargeError);
      expect(out.lines).toEqual(['{"ok":1}']);
      expect(decoder.hasPartial).toBe(false);
    });

    it('reports a line that only passes the cap in the chunk with its newline once', () => {
      const out = feed(new LineDecoder(10), ['x'.repeat(6), 'x'.repeat(5) + '\n', '{}\n']);
      expect(out.errors).toHaveLength(1);
      expect(out.lines).toEqual(['{}']);
    });

    it('reports each of several oversized lines, with good lines between them intact', () => {
      const out = feed(new LineDecoder(8), ['a'.repeat(9) + '\n{"n":1}\n', 'b'.repeat(5), 'b'.repeat(5), '\n{"n":2}\n' + 'c'.repeat(20) + '\n']);
      expect(out.errors).toHaveLength(3);
      expect(out.lines).toEqual(['{"n":1}', '{"n":2}']);
    });

    it('applies the cap to byte chunks of a huge line and recovers afterwards', () => {
      const limit = 100_000;
      const data = utf8('z'.repeat(limit * 3) + '\n{"after":true}\n');
      const out = feed(new LineDecoder(limit), slices(data, 64));
      expect(out.errors).toHaveLength(1);
      expect(out.lines).toEqual(['{"after":true}']);
    });
  });

  it('decodes one 20 MB line fed in 64-byte chunks correctly', () => {
    // Linearity sanity check by construction: ~330k pushes of one line under the cap. A decoder that
    // re-scanned or re-joined its buffer per chunk would not finish within the test timeout; we assert
    // only the result, never a duration.
    const unit = 'abc€😀'; // 10 bytes of UTF-8; 64-byte chunks cut the 3- and 4-byte sequences at shifting offsets
    const blob = unit.repeat(2_000_000);
    const line = `{"jsonrpc":"2.0","method":"notifications/message","params":{"data":"${blob}"}}`;
    const data = utf8(`${line}\n{"next":1}\n`);
    expect(data.length).toBeGreaterThan(20_000_000);
    expect(line.length).toBeLessThan(DEFAULT_MAX_MESSAGE_BYTES);
    const decoder = new LineDecoder();
    const out = feed(decoder, slices(data, 64));
    expect(out.errors).toEqual([]);
    expect(out.lines).toHaveLength(2);
    expect(out.lines[0]!.length).toBe(line.length);
    expect(out.lines[0] === line).toBe(true);
    expect(out.lines[1]).toBe('{"next":1}');
    expect(decoder.hasPartial).toBe(false);
  });
});
