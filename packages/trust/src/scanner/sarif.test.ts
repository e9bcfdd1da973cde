import { describe, expect, it } from 'vitest';
import type { Finding } from '../snapshot.js';
import { RULES } from './rules.js';
import { toSarif } from './sarif.js';

const findings: Finding[] = [
  { rule: 'MCP-I001', severity: 'critical', server: 'weather', kind: 'tool', tool: 'forecast', pointer: '/inputSchema/properties/units/enum/2', message: 'Instruction-like text', evidence: 'ignore previous instructions' },
  { rule: 'MCP-O001', severity: 'low', server: 'weather', kind: 'server', pointer: '/instructions', message: 'Long' },
];

type Log = { version: string; runs: { tool: { driver: { name: string; rules: { id: string; help: { text: string }; properties: Record<string, unknown> }[] } }; results: Record<string, any>[] }[] };

describe('toSarif', () => {
  const log = toSarif(findings, { toolName: 'mcpkit', version: '0.1.0', artifactUri: 'mcp.yaml' }) as unknown as Log;
  const run = log.runs[0]!;

  it('describes every rule with help text and a security severity', () => {
    expect(log.version).toBe('2.1.0');
    expect(run.tool.driver.name).toBe('mcpkit');
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const r of run.tool.driver.rules) {
      expect(r.help.text).toContain('Catches:');
      expect(r.properties['security-severity']).toMatch(/^\d+\.\d$/);
    }
  });

  it('gives each result a level, its rule index, a logical location and the artifact', () => {
    const [first, second] = run.results;
    expect(first).toMatchObject({ ruleId: 'MCP-I001', level: 'error', properties: { severity: 'critical' } });
    expect(run.tool.driver.rules[first!.ruleIndex]!.id).toBe('MCP-I001');
    expect(first!.locations[0].logicalLocations[0]).toEqual({ name: 'forecast', fullyQualifiedName: 'weather/forecast/inputSchema/properties/units/enum/2', kind: 'function' });
    expect(first!.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'mcp.yaml' } });
    expect(first!.message.text).toContain('Evidence: ignore previous instructions');
    expect(second).toMatchObject({ level: 'note' });
    expect(second!.locations[0].logicalLocations[0]).toMatchObject({ fullyQualifiedName: 'weather/instructions', kind: 'module' });
  });

  it('adds a descriptor for a rule outside the given list', () => {
    const l = toSarif([{ rule: 'MCP-R001', severity: 'high', message: 'secret' }], { toolName: 't', version: '1', rules: [] }) as unknown as Log;
    expect(l.runs[0]!.tool.driver.rules.map((r) => r.id)).toEqual(['MCP-R001']);
    expect(l.runs[0]!.results[0]!.ruleIndex).toBe(0);
  });
});
