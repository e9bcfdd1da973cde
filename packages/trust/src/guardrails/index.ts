/**
 * Response guardrails: secrets and injection markers in tool results and resource contents, with redact, block
 * or flag per kind, and optional spotlighting.
 * @module
 */
export { inspectContent, inspectPromptResult, inspectResourceResult, inspectToolResult } from './inspect.js';
export type { InspectOptions, InspectResult } from './inspect.js';
export { GUARDRAIL_RULE, inspectText } from './inspect-text.js';
export type { GuardrailAction, GuardrailKind, GuardrailOptions, TextVerdict } from './inspect-text.js';
export { SECRET_DETECTORS } from './secret-detectors.js';
export type { SecretDetector, SecretKind, Span } from './secret-detectors.js';
export { findMarkers } from './content-detectors.js';
export type { MarkerKind, MarkerSpan } from './content-detectors.js';
export { randomMarker, spotlight, spotlightInstructions } from './spotlight.js';
export type { SpotlightMode, SpotlightOptions, Spotlighted } from './spotlight.js';
export { GUARDRAIL_RULES } from './rules.js';
