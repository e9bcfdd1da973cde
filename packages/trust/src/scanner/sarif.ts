/**
 * Findings as a SARIF 2.1.0 log for CI code scanning: rule metadata with help text from the registry, one result
 * per finding with a logical location (server › definition › JSON Pointer) and, when given, the file the servers
 * were configured in as the physical location (GitHub code scanning needs one).
 * @module
 */
import type { Finding, Severity } from '../snapshot.js';
import { RULES, type RuleInfo } from './rules.js';

export interface SarifOptions {
  /** `tool.driver.name`, e.g. `mcpkit`. */
  toolName: string;
  /** `tool.driver.version`. */
  version: string;
  /** Rule metadata to publish (default: the whole registry). */
  rules?: readonly RuleInfo[];
  /** `tool.driver.informationUri`, e.g. the docs page of the rules. */
  informationUri?: string;
  /** A file to attach every result to (the host config or `mcp.yaml` the servers came from), relative to the repo root. */
  artifactUri?: string;
}

/** SARIF levels have no "critical"; the numeric `security-severity` keeps the difference (GitHub's scale). */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note', info: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '1.0' };

function help(rule: RuleInfo): string {
  return [rule.summary, `Catches: ${rule.catches}`, `Misses: ${rule.misses}`, rule.severityNote ? `Severity: ${rule.severityNote}` : '']
    .filter(Boolean)
    .join('\n\n');
}

function ruleDescriptor(rule: RuleInfo): Record<string, unknown> {
  return {
    id: rule.id,
    name: rule.name,
    shortDescription: { text: rule.summary },
    fullDescription: { text: `${rule.summary} ${rule.catches}` },
    help: { text: help(rule) },
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: { tags: ['security', 'mcp'], precision: 'medium', 'security-severity': SECURITY_SEVERITY[rule.severity] },
  };
}

function location(f: Finding, artifactUri: string | undefined): Record<string, unknown> {
  const parts = [f.server, f.tool].filter((p): p is string => p !== undefined);
  const fullyQualifiedName = `${parts.join('/')}${f.pointer ?? ''}`;
  const loc: Record<string, unknown> = {
    logicalLocations: [{ name: f.tool ?? f.server ?? '(unknown)', fullyQualifiedName, kind: f.kind === 'server' || f.tool === undefined ? 'module' : 'function' }],
    message: { text: fullyQualifiedName },
  };
  if (artifactUri !== undefined) loc.physicalLocation = { artifactLocation: { uri: artifactUri } };
  return loc;
}

/**
 * Builds a SARIF 2.1.0 log object (serialize it with `JSON.stringify`).
 * @example
 * const log = toSarif(findings, { toolName: 'mcpkit', version: '0.1.0', artifactUri: 'mcp.yaml' });
 */
export function toSarif(findings: readonly Finding[], options: SarifOptions): Record<string, unknown> {
  const rules = [...(options.rules ?? RULES)];
  // Findings from rules outside the given list still need a descriptor for ruleIndex to point at.
  for (const f of findings) {
    if (!rules.some((r) => r.id === f.rule)) rules.push({ id: f.rule, name: f.rule, severity: f.severity, summary: f.rule, catches: '', misses: '' });
  }
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = findings.map((f) => ({
    ruleId: f.rule,
    ruleIndex: index.get(f.rule),
    level: LEVEL[f.severity],
    message: { text: f.evidence !== undefined ? `${f.message}\nEvidence: ${f.evidence}` : f.message },
    locations: [location(f, options.artifactUri)],
    partialFingerprints: { 'mcpkitFinding/v1': [f.rule, f.server ?? '', f.kind ?? '', f.tool ?? '', f.pointer ?? ''].join('|') },
    properties: { severity: f.severity, 'security-severity': SECURITY_SEVERITY[f.severity], server: f.server, tool: f.tool, pointer: f.pointer },
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: options.toolName,
            version: options.version,
            semanticVersion: options.version,
            ...(options.informationUri !== undefined ? { informationUri: options.informationUri } : {}),
            rules: rules.map(ruleDescriptor),
          },
        },
        results,
      },
    ],
  };
}
