/**
 * Reading text from an opened file: whole (bounded), the first N lines, or the last N lines, without
 * loading more of a large file than the answer needs.
 * @module
 */
import type { OpenedFile } from './open.js';

const CHUNK = 64 * 1024;
const NEWLINE = 0x0a;

/** Text read from a file, and whether a byte cap cut it short. */
export interface TextRead {
  readonly text: string;
  readonly truncated: boolean;
}

/** Reads up to `limit` bytes from the start; `truncated` when the file was longer. */
export async function readWhole(file: OpenedFile, limit: number): Promise<TextRead> {
  const want = Math.min(file.size, limit);
  const buffer = Buffer.alloc(want);
  let got = 0;
  while (got < want) {
    const { bytesRead } = await file.handle.read(buffer, got, want - got, got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  // The file may have grown since it was opened; one extra byte says whether more is there.
  const probe = Buffer.alloc(1);
  const more = (await file.handle.read(probe, 0, 1, got)).bytesRead > 0;
  return { text: buffer.subarray(0, got).toString('utf8'), truncated: more };
}

/**
 * The first `lines` lines. A newline byte never occurs inside a multi-byte UTF-8 sequence, so cutting at one
 * is safe. At most `limit` bytes are read.
 */
export async function readHead(file: OpenedFile, lines: number, limit: number): Promise<TextRead> {
  const parts: Buffer[] = [];
  let total = 0;
  let seen = 0;
  let position = 0;
  for (;;) {
    const chunk = Buffer.alloc(Math.min(CHUNK, limit - total));
    if (chunk.length === 0) return { text: Buffer.concat(parts).toString('utf8'), truncated: true };
    const { bytesRead } = await file.handle.read(chunk, 0, chunk.length, position);
    if (bytesRead === 0) return { text: Buffer.concat(parts).toString('utf8'), truncated: false };
    let end = bytesRead;
    for (let i = 0; i < bytesRead; i++) {
      if (chunk[i] === NEWLINE && ++seen === lines) {
        // The newline ending line N is not part of the answer.
        end = i;
        break;
      }
    }
    parts.push(chunk.subarray(0, end));
    total += end;
    position += bytesRead;
    if (seen === lines) return { text: Buffer.concat(parts).toString('utf8'), truncated: false };
  }
}

/**
 * The last `lines` lines, reading backwards from the end in chunks. A newline that ends the file does not
 * start an empty last line. At most `limit` bytes are read.
 */
export async function readTail(file: OpenedFile, lines: number, limit: number): Promise<TextRead> {
  const size = file.size;
  const parts: Buffer[] = [];
  let position = size;
  let total = 0;
  let seen = 0;
  while (position > 0) {
    const length = Math.min(CHUNK, position, limit - total);
    if (length === 0) return { text: Buffer.concat(parts.reverse()).toString('utf8'), truncated: true };
    position -= length;
    const chunk = Buffer.alloc(length);
    const { bytesRead } = await file.handle.read(chunk, 0, length, position);
    const data = chunk.subarray(0, bytesRead);
    let start = 0;
    for (let i = data.length - 1; i >= 0; i--) {
      if (data[i] !== NEWLINE) continue;
      if (position + i === size - 1) continue;
      if (++seen === lines) {
        start = i + 1;
        break;
      }
    }
    parts.push(data.subarray(start));
    total += data.length - start;
    if (seen === lines) break;
  }
  let text = Buffer.concat(parts.reverse()).toString('utf8');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return { text, truncated: false };
}
