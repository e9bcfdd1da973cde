/**
 * Injection markers in tool results and resource contents: instruction-like text (the scanner's patterns), text
 * hidden in tag characters, and runs of invisible controls (bidi, zero-width).
 * @module
 */
import { TAG_RUN, decodeTags } from '../scanner/evidence.js';
import { findAllInstructions } from '../scanner/instruction-patterns.js';
import { severityRank } from '../scanner/severity.js';
import type { Severity } from '../snapshot.js';
import type { Span } from './secret-detectors.js';

export type MarkerKind = 'injection' | 'hidden-text' | 'invisible-controls';

export interface MarkerSpan extends Span {
  kind: MarkerKind;
  severity: Severity;
  /** What matched, in words. */
  what: string;
}

const CONTROLS = /[\u202A-\u202E\u2066-\u2069]+|[\u200B-\u200D\u2060]{4,}/gu;
const FLAG_SEQUENCE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{1,6}\u{E007F}/u;

/** Injection markers in `text` at or above `minSeverity` (instruction-like text only; the others are always reported). */
export function findMarkers(text: string, minSeverity: Severity): MarkerSpan[] {
  const spans: MarkerSpan[] = [];
  const floor = severityRank(minSeverity);
  for (const m of findAllInstructions(text)) {
    if (severityRank(m.severity) < floor) continue;
    spans.push({ kind: 'injection', severity: m.severity, what: m.what, start: m.index, end: m.index + m.length });
  }
  if (/[^\x00-\x7F]/.test(text)) {
    TAG_RUN.lastIndex = 0;
    for (let m = TAG_RUN.exec(text); m; m = TAG_RUN.exec(text)) {
      // A flag emoji's tag sequence is not hidden text.
      if (FLAG_SEQUENCE.test(text.slice(Math.max(0, m.index - 2), m.index + m[0].length))) continue;
      spans.push({ kind: 'hidden-text', severity: 'critical', what: `hidden text ${JSON.stringify(decodeTags(m[0]).slice(0, 120))}`, start: m.index, end: m.index + m[0].length });
    }
    CONTROLS.lastIndex = 0;
    for (let m = CONTROLS.exec(text); m; m = CONTROLS.exec(text)) {
      spans.push({ kind: 'invisible-controls', severity: 'medium', what: 'bidi controls or a run of zero-width characters', start: m.index, end: m.index + m[0].length });
    }
  }
  return spans;
}
