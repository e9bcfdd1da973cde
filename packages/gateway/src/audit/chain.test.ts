import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalBody, chainRows, EMPTY_HEAD, GENESIS_HASH, recordHash } from './chain.js';
import { canonicalize } from '@mcpkit/trust';
import { toRowBody } from './record.js';
import type { AuditRow, RowBody } from './row.js';

const minimal = toRowBody({ method: 'tools/list', outcome: 'ok', durationMs: 0, time: 0 });
const full = toRowBody({
  time: '2026-01-02T03:04:05.678Z',
  principal: 'alice',
  keyId: 'k1',
  method: 'tools/call',
  upstream: 'fs',
  target: 'fs__read_file',
  arguments: { path: '/tmp/ü', n: [1, 2.5] },
  outcome: 'refused',
  errorCode: -32602,
  durationMs: 0.25,
  bytesIn: 120,
  bytesOut: 0,
  requestId: 'r-1',
  sessionId: 's',
  route: '/mcp/ro',
  reason: 'scope',
});

/** The body by the definition in chain.ts: all fields but prevHash/hash, JSON fields parsed, unset optionals left out. */
function bodyObject(row: RowBody & { seq: number }): Record<string, unknown> {
  const parse = (text: string | null) => (text === null ? null : JSON.parse(text));
  const out: Record<string, unknown> = { ...row, arguments: parse(row.arguments), errorCode: parse(row.errorCode), requestId: parse(row.requestId) };
  for (const key of ['requestId', 'sessionId', 'route', 'reason']) if (out[key] === null) delete out[key];
  return out;
}

describe('the hash chain', () => {
  it('canonicalBody is the JCS form of the record body', () => {
    for (const body of [minimal, full]) {
      expect(canonicalBody(body, 42)).toBe(canonicalize(bodyObject({ ...body, seq: 42 })));
    }
  });

  it('hash = SHA-256(prevHash + JCS(body)), from genesis', () => {
    const [first, second] = chainRows(EMPTY_HEAD, [minimal, full]) as [AuditRow, AuditRow];
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonicalize(bodyObject({ ...minimal, seq: 1 })))
      .digest('hex');
    expect(first.hash).toBe(expected);
    expect(second.seq).toBe(2);
    expect(second.prevHash).toBe(first.hash);
    expect(second.hash).toBe(recordHash(first.hash, second, 2));
  });

  it('continues from a head', () => {
    const [row] = chainRows({ seq: 9, hash: 'a'.repeat(64) }, [minimal]) as [AuditRow];
    expect(row.seq).toBe(10);
    expect(row.prevHash).toBe('a'.repeat(64));
  });

  it('any change to a field changes the hash', () => {
    const hash = recordHash(GENESIS_HASH, full, 1);
    expect(recordHash(GENESIS_HASH, full, 2)).not.toBe(hash);
    expect(recordHash(GENESIS_HASH, { ...full, principal: 'mallory' }, 1)).not.toBe(hash);
    expect(recordHash(GENESIS_HASH, { ...full, reason: null }, 1)).not.toBe(hash);
    expect(recordHash('1'.repeat(64), full, 1)).not.toBe(hash);
  });
});
