/**
 * @mcpkit/trust: digests of MCP definitions, lockfiles and drift reports, signed manifests, scanner rules and
 * response guardrails, as pure functions (no I/O of their own; Web APIs only).
 * @module
 */
export const TRUST_VERSION = '0.1.0';

export { SEVERITIES } from './snapshot.js';
export type { ServerSnapshot, Severity, Finding, DefinitionKind } from './snapshot.js';

export { canonicalize, canonicalNumber } from './jcs.js';
export type { JsonValue } from './jcs.js';
export { ITEM_KINDS, canonicalDefinition, pinnedDefinition, itemKey, keyField } from './definition.js';
export type { ItemKind, ItemOf, Definition } from './definition.js';
export { digestItem, digestServer, serverDigest, sha256Hex } from './digest.js';
export type { ServerDigests, ServerDigestParts } from './digest.js';

export {
  LOCKFILE_NAME,
  LOCKFILE_VERSION,
  emptyLockfile,
  serializeLockfile,
  pinServer,
  approveItem,
  removeItem,
  approveInstructions,
  removeServer,
  lockedServerDigest,
} from './lockfile.js';
export type { Lockfile, LockedServer, LockedItem, LockedInstructions, LockedSigner, Approval, ApproveOptions } from './lockfile.js';
export { parseLockfile } from './lockfile-parse.js';
export { checkLockfile } from './lockfile-check.js';
export type { ParseLockfileOptions } from './lockfile-parse.js';
export { stableJson } from './stable-json.js';

export { compareServer } from './drift.js';
export type { DriftReport, DriftStatus, ItemDrift, ItemChange } from './drift.js';
export { explainDrift } from './drift-explain.js';
export { diffJson, escapePointerToken } from './json-diff.js';
export type { FieldChange } from './json-diff.js';

export { MANIFEST_VERSION, MANIFEST_JWS_TYPE, MANIFEST_ALGORITHMS, createManifest, signManifest, generateSigningKey } from './manifest.js';
export type { Manifest, ManifestItem, ManifestAlgorithm, CreateManifestOptions, SigningKey } from './manifest.js';
export { verifyManifest, matchManifest } from './manifest-verify.js';
export type { VerifyManifestOptions, ManifestVerification, ManifestRefusal, ManifestMismatch } from './manifest-verify.js';

export { decideTrust, describeItemDrift, quarantineKey } from './enforce.js';
export type { TrustDecision, DriftPolicy, NewServerPolicy } from './enforce.js';

export {
  scanSnapshots,
  RULES,
  ruleInfo,
  rulesMarkdown,
  atOrAbove,
  isSeverity,
  maxSeverity,
  severityRank,
  computeTier,
  explainTier,
  toSarif,
  formatFindings,
  decodeTags,
  excerpt,
  showInvisible,
  stripInvisible,
  skeleton,
  findInstructions,
} from './scanner/index.js';
export type {
  ScanOptions,
  RuleInfo,
  TierDecision,
  TierInput,
  TrustTier,
  SarifOptions,
  InstructionCategory,
  InstructionMatch,
} from './scanner/index.js';

export {
  inspectContent,
  inspectToolResult,
  GUARDRAIL_RULE,
  inspectText,
  inspectResourceResult,
  SECRET_DETECTORS,
  findMarkers,
  randomMarker,
  spotlight,
  spotlightInstructions,
  GUARDRAIL_RULES,
} from './guardrails/index.js';
export type {
  InspectOptions,
  InspectResult,
  GuardrailAction,
  GuardrailKind,
  GuardrailOptions,
  TextVerdict,
  SecretDetector,
  SecretKind,
  Span,
  MarkerKind,
  MarkerSpan,
  SpotlightMode,
  SpotlightOptions,
  Spotlighted,
} from './guardrails/index.js';

export { MANIFEST_METHOD, manifestPublisher, manifestMiddleware, publicJwkOf } from './publish.js';
export type { PublishedManifest, ManifestPublisherOptions } from './publish.js';

export { lockfileGuard } from './host-guard.js';
export type { HostListing, HostVerdict, LockfileGuardOptions } from './host-guard.js';
