import { describe, it, expect } from 'vitest';
import {
  LATEST_REVISION,
  LATEST_SESSION_REVISION,
  PROTOCOL_REVISIONS,
  SESSION_REVISIONS,
  STATELESS_REVISIONS,
  eraOf,
  isKnownRevision,
  isSessionRevision,
  isStatelessRevision,
  negotiateSessionRevision,
  revisionAtLeast,
} from './versions.js';

const notRevisions: unknown[] = [
  '',
  '2025-11-24',
  '2025-11-26',
  ' 2025-11-25',
  '2025-11-25 ',
  '2025/11/25',
  '2026-07-28T00:00:00Z',
  'latest',
  20251125,
  null,
  undefined,
  {},
  ['2025-11-25'],
  new String('2025-11-25'),
];

describe('revision lists', () => {
  it('lists every revision once, oldest first, as ISO dates', () => {
    expect([...PROTOCOL_REVISIONS]).toEqual([...PROTOCOL_REVISIONS].sort());
    expect(new Set(PROTOCOL_REVISIONS).size).toBe(PROTOCOL_REVISIONS.length);
    for (const r of PROTOCOL_REVISIONS) expect(r).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('splits revisions into two disjoint eras that together cover them all, in order', () => {
    expect([...SESSION_REVISIONS, ...STATELESS_REVISIONS]).toEqual([...PROTOCOL_REVISIONS]);
    expect(SESSION_REVISIONS.filter((r) => (STATELESS_REVISIONS as readonly string[]).includes(r))).toEqual([]);
    expect([...SESSION_REVISIONS]).toEqual(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);
    expect([...STATELESS_REVISIONS]).toEqual(['2026-07-28']);
  });

  it('names the newest revision of each list as latest', () => {
    expect(LATEST_SESSION_REVISION).toBe(SESSION_REVISIONS[SESSION_REVISIONS.length - 1]);
    expect(LATEST_REVISION).toBe(PROTOCOL_REVISIONS[PROTOCOL_REVISIONS.length - 1]);
    expect(LATEST_SESSION_REVISION).toBe('2025-11-25');
    expect(LATEST_REVISION).toBe('2026-07-28');
  });
});

describe('revision guards and eraOf', () => {
  it.each(SESSION_REVISIONS.map((r) => [r]))('%s is a session revision', (revision) => {
    expect(isSessionRevision(revision)).toBe(true);
    expect(isStatelessRevision(revision)).toBe(false);
    expect(isKnownRevision(revision)).toBe(true);
    expect(eraOf(revision)).toBe('session');
  });

  it.each(STATELESS_REVISIONS.map((r) => [r]))('%s is a stateless revision', (revision) => {
    expect(isSessionRevision(revision)).toBe(false);
    expect(isStatelessRevision(revision)).toBe(true);
    expect(isKnownRevision(revision)).toBe(true);
    expect(eraOf(revision)).toBe('stateless');
  });

  it.each(notRevisions.map((v) => [v]))('%o is no revision', (value) => {
    expect(isSessionRevision(value)).toBe(false);
    expect(isStatelessRevision(value)).toBe(false);
    expect(isKnownRevision(value)).toBe(false);
    if (typeof value === 'string') expect(eraOf(value)).toBeUndefined();
  });
});

describe('negotiateSessionRevision', () => {
  it.each(SESSION_REVISIONS.map((r) => [r]))('agrees to %s, which it supports', (revision) => {
    expect(negotiateSessionRevision(revision)).toBe(revision);
  });

  it('answers an unknown or future revision with the newest it supports', () => {
    expect(negotiateSessionRevision('2099-01-01')).toBe(LATEST_SESSION_REVISION);
    expect(negotiateSessionRevision('2024-01-01')).toBe(LATEST_SESSION_REVISION);
  });

  it('does not agree to the stateless revision in a handshake', () => {
    expect(negotiateSessionRevision('2026-07-28')).toBe('2025-11-25');
  });

  it.each([[undefined], [null], [20250618], [{ version: '2025-06-18' }]])('answers a non-string (%o) with the newest it supports', (value) => {
    expect(negotiateSessionRevision(value)).toBe(LATEST_SESSION_REVISION);
  });

  it('honours a narrower supported list', () => {
    const supported = ['2025-03-26', '2025-06-18'];
    expect(negotiateSessionRevision('2025-03-26', supported)).toBe('2025-03-26');
    expect(negotiateSessionRevision('2025-11-25', supported)).toBe('2025-06-18');
    expect(negotiateSessionRevision('2024-11-05', supported)).toBe('2025-06-18');
  });

  it('falls back to the latest session revision when the supported list is empty', () => {
    expect(negotiateSessionRevision('2025-06-18', [])).toBe(LATEST_SESSION_REVISION);
  });
});

describe('revisionAtLeast', () => {
  it('orders every pair of revisions like their position in PROTOCOL_REVISIONS', () => {
    for (const [i, a] of PROTOCOL_REVISIONS.entries()) {
      for (const [j, b] of PROTOCOL_REVISIONS.entries()) {
        expect(revisionAtLeast(a, b), `${a} >= ${b}`).toBe(i >= j);
      }
    }
  });

  it('compares dates that are not released revisions', () => {
    expect(revisionAtLeast('2025-12-01', '2025-11-25')).toBe(true);
    expect(revisionAtLeast('2025-11-24', '2025-11-25')).toBe(false);
  });
});
