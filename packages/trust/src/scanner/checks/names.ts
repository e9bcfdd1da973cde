/**
 * Names: look-alike letters (U005), parameter names that are sentences (O002) or overlong (O003).
 * @module
 */
import { confusableReason } from '../confusables.js';
import { excerpt, stripInvisible } from '../evidence.js';
import type { WalkedString } from '../walk.js';
import type { RawFinding } from './raw-finding.js';

const LONG_NAME = 64;

/** Reports deceptive or poisoned names (strings whose role is `name`). */
export function checkName(s: WalkedString, out: RawFinding[]): void {
  if (s.role !== 'name') return;
  const reason = confusableReason(s.text);
  if (reason) {
    out.push({ rule: 'MCP-U005', severity: 'high', pointer: s.pointer, message: `The name ${reason}`, evidence: excerpt(s.text) });
  }
  if (!s.inParameter) return;
  const name = stripInvisible(s.text).trim();
  const words = name.split(/\s+/).filter(Boolean).length;
  if (/[\r\n]/.test(name) || words >= 4 || /\w[.,;:!?]\s+\w/u.test(name)) {
    out.push({ rule: 'MCP-O002', severity: 'high', pointer: s.pointer,
      message: `A parameter name that reads as a sentence (${words} words): models read names as instructions too`, evidence: excerpt(s.text) });
  } else if (name.length > LONG_NAME) {
    out.push({ rule: 'MCP-O003', severity: 'medium', pointer: s.pointer,
      message: `A parameter name of ${name.length} characters (over ${LONG_NAME})`, evidence: excerpt(s.text) });
  }
}
