/**
 * Instruction-like text anywhere in a definition (I001–I006), weighed by where it sits: in a name, key, enum
 * value or default it is one level worse than in a description, and several families in one string are worse
 * than one.
 * @module
 */
import { excerpt } from '../evidence.js';
import { type InstructionCategory, findInstructions } from '../instruction-patterns.js';
import { raise } from '../severity.js';
import type { WalkedString } from '../walk.js';
import type { RawFinding } from './raw-finding.js';

export const INSTRUCTION_RULE: Record<InstructionCategory, string> = {
  override: 'MCP-I001',
  conceal: 'MCP-I002',
  markup: 'MCP-I003',
  'model-address': 'MCP-I004',
  precondition: 'MCP-I005',
  urgency: 'MCP-I006',
};

/**
 * Reports instruction-like text in one string; `text` is the string as rules read it (see `readable`), `raw` the
 * same before invisible characters were removed and look-alike letters folded. A family found in `text` but not in
 * `raw` was disguised on purpose: one level higher.
 */
export function checkInstructions(s: WalkedString, text: string, out: RawFinding[], raw: string = text): void {
  const matches = findInstructions(text);
  if (matches.length === 0) return;
  const plain = raw === text ? undefined : new Set(findInstructions(raw).map((m) => m.category));
  // Urgency alone is common in honest descriptions; it only counts towards "several families" with the others.
  const strong = matches.filter((m) => m.category !== 'urgency' && m.severity !== 'low').length;
  const misplaced = s.role !== 'prose';
  for (const m of matches) {
    let severity = m.severity;
    const why: string[] = [];
    if (misplaced) {
      severity = raise(severity);
      why.push(`in a ${s.role === 'name' ? 'name' : s.role === 'key' ? 'key' : s.role === 'uri' ? 'URI' : 'value'}, where no instruction belongs`);
    }
    if (strong >= 2 && m.category !== 'urgency') {
      severity = raise(severity);
      why.push('together with other instruction patterns');
    }
    if (plain !== undefined && !plain.has(m.category) && m.category !== 'urgency') {
      severity = raise(severity);
      why.push('disguised with invisible characters or look-alike letters');
    }
    out.push({
      rule: INSTRUCTION_RULE[m.category],
      severity,
      pointer: s.pointer,
      message: `Instruction-like text ${m.what}${why.length ? ` (${why.join(', ')})` : ''}`,
      evidence: excerpt(text, m.index, m.length),
    });
  }
}
