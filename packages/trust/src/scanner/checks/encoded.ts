/**
 * Encoded payloads (E004): base64 text in a definition that decodes to instructions, a secret's location or a
 * URL — poison packed so that filters reading the text see only noise, for a model that decodes base64 on sight.
 * @module
 */
import { excerpt } from '../evidence.js';
import { findInstructions } from '../instruction-patterns.js';
import type { WalkedString } from '../walk.js';
import type { RawFinding } from './raw-finding.js';

const BASE64_RUN = /[A-Za-z0-9+/]{24,}={0,2}|[A-Za-z0-9_-]{24,}={0,2}/g;
const PRINTABLE = /^[\x09\x0A\x0D\x20-\x7E]*$/;
const PAYLOAD = /~\/\.|\.ssh\b|id_rsa|\.aws\/|\/etc\/passwd|\.env\b|https?:\/\/|169\.254\.169\.254/i;
// Only a few runs per string are decoded: honest definitions rarely hold any, and this bounds hostile ones.
const MAX_RUNS = 8;

function decode(run: string): string | undefined {
  try {
    const standard = run.replace(/-/g, '+').replace(/_/g, '/').replace(/=+$/, '');
    const text = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
    return PRINTABLE.test(text) ? text : undefined;
  } catch {
    // Not base64 after all (a long identifier): nothing to report.
    return undefined;
  }
}

/** Reports base64 runs whose decoded text is instruction-like or names a secret's location or a URL. */
export function checkEncoded(s: WalkedString, out: RawFinding[]): void {
  if (s.text.length < 24 || s.role === 'uri') return;
  BASE64_RUN.lastIndex = 0;
  let runs = 0;
  for (let m = BASE64_RUN.exec(s.text); m && runs < MAX_RUNS; m = BASE64_RUN.exec(s.text), runs++) {
    const decoded = decode(m[0]);
    if (decoded === undefined || !/\s/.test(decoded)) continue;
    const instructions = findInstructions(decoded).filter((i) => i.category !== 'urgency');
    if (instructions.length === 0 && !PAYLOAD.test(decoded)) continue;
    out.push({ rule: 'MCP-E004', severity: 'high', pointer: s.pointer,
      message: `Base64 text that decodes to ${instructions.length > 0 ? 'instructions' : 'a secret location or URL'}: ${JSON.stringify(decoded.slice(0, 160))}`,
      evidence: excerpt(s.text, m.index, m[0].length, 80) });
    return;
  }
}
