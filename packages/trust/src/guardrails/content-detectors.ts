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

export type MarkerKind = 'injection' | 'hidden-text' | 'invisible-controls' | 'exfil-link';

export interface MarkerSpan extends Span {
  kind: MarkerKind;
  severity: Severity;
  /** What matched, in words. */
  what: string;
}

// An image a renderer fetches on its own, with data in its query: a markdown image or an HTML <img>, and a query
// value of 32+ data characters or a template placeholder. Signed CDN URLs match too, hence medium and `flag`.
const EXFIL_IMAGE = /!\[[^\]\n]{0,200}\]\(\s*<?https?:\/\/[^\s)?]{1,200}\?[^\s)]{0,300}?=(?:[A-Za-z0-9+/=_%.-]{32,}|\{|\$\{|%7B)[^\s)]{0,300}\)?|<img\b[^>]{0,200}?\bsrc\s*=\s*["']?https?:\/\/[^\s"'>?]{1,200}\?[^\s"'>]{0,300}?=(?:[A-Za-z0-9+/=_%.-]{32,}|\{|\$\{|%7B)[^>]{0,300}>?/gi;
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
  EXFIL_IMAGE.lastIndex = 0;
  for (let m = EXFIL_IMAGE.exec(text); m; m = EXFIL_IMAGE.exec(text)) {
    spans.push({ kind: 'exfil-link', severity: 'medium', what: 'an auto-loading image whose URL carries data', start: m.index, end: m.index + m[0].length });
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
