/**
 * The offline scanner: rules over server snapshots, trust tiers, and output as text or SARIF.
 * @module
 */
export { scanSnapshots } from './scan.js';
export type { ScanOptions } from './scan.js';
export { RULES, ruleInfo } from './rules.js';
export { rulesMarkdown } from './rules-doc.js';
export type { RuleInfo } from './rules.js';
export { atOrAbove, isSeverity, maxSeverity, severityRank } from './severity.js';
export { computeTier, explainTier } from './tier.js';
export type { TierDecision, TierInput, TrustTier } from './tier.js';
export { toSarif } from './sarif.js';
export type { SarifOptions } from './sarif.js';
export { formatFindings } from './format.js';
export { decodeTags, excerpt, showInvisible, stripInvisible } from './evidence.js';
export { skeleton } from './confusables.js';
export { findInstructions } from './instruction-patterns.js';
export type { InstructionCategory, InstructionMatch } from './instruction-patterns.js';
