/**
 * Oversized descriptions and instructions (O001): room to hide text nobody reads in full.
 * @module
 */
import { excerpt } from '../evidence.js';
import type { WalkedString } from '../walk.js';
import type { RawFinding } from './raw-finding.js';

const LOW = 2_000;
const MEDIUM = 5_000;
const INSTRUCTIONS = 10_000;

/** Reports a description (or server instructions) far longer than usual. */
export function checkSize(s: WalkedString, out: RawFinding[]): void {
  if (s.role !== 'prose' || s.text.length <= LOW) return;
  const isInstructions = s.field === 'instructions';
  if (isInstructions && s.text.length <= INSTRUCTIONS) return;
  const severity = !isInstructions && s.text.length > MEDIUM ? 'medium' : 'low';
  out.push({ rule: 'MCP-O001', severity, pointer: s.pointer,
    message: `${isInstructions ? 'Instructions' : 'Text'} of ${s.text.length.toLocaleString('en-US')} characters (usual: a few hundred); long text hides instructions nobody reads`,
    evidence: excerpt(s.text, 0, 0, 80) });
}
