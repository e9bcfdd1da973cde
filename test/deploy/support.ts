/**
 * Readers for the deployment files (issue 10): YAML documents, the Dockerfile's instructions, the `mcp.yaml`
 * configs they carry and the references those make.
 * @module
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const read = (path: string): string => readFileSync(join(ROOT, path), 'utf8');

/** Every YAML file under deploy/, repo-relative. */
export function yamlFiles(): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.ya?ml$/.test(entry.name)) found.push(relative(ROOT, path));
    }
  };
  walk(join(ROOT, 'deploy'));
  return found.sort();
}

/** Parses every document of a YAML file (compose's `<<` merge keys included); throws on the first error. */
export function parseYaml(path: string, text = read(path)): unknown[] {
  return parseAllDocuments(text, { merge: true, prettyErrors: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors.map((e) => e.message).join('; ')}`);
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  });
}

export type Obj = Record<string, unknown>;
export const obj = (value: unknown): Obj => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Obj) : {});
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

/** The references of one kind in a YAML text's values (comments left out). */
function refs(yamlText: string, kind: 'env' | 'file'): string[] {
  const values = JSON.stringify(parse(yamlText));
  return [...new Set([...values.matchAll(new RegExp(`\\$\\{${kind}:([^}]+)\\}`, 'g'))].map((m) => m[1]!))].sort();
}
/** Names referenced as `${env:NAME}` in a YAML text's values. */
export const envRefs = (yamlText: string): string[] => refs(yamlText, 'env');
/** Paths referenced as `${file:PATH}` in a YAML text's values. */
export const fileRefs = (yamlText: string): string[] => refs(yamlText, 'file');

export interface Instruction {
  /** Index of the stage (FROM) the instruction belongs to. */
  stage: number;
  keyword: string;
  args: string;
  line: number;
}

/** The Dockerfile's instructions, with continuation lines joined and comments dropped. */
export function dockerfileInstructions(text = read('Dockerfile')): Instruction[] {
  const out: Instruction[] = [];
  let stage = -1;
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending !== '' && line.startsWith('#')) return; // a comment inside a continued instruction
    if (pending === '') start = i + 1;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [keyword = '', ...rest] = full.split(/\s+/);
    const k = keyword.toUpperCase();
    if (k === 'FROM') stage++;
    out.push({ stage, keyword: k, args: full.slice(keyword.length).trim(), line: start });
  });
  return out;
}

/** An exec-form (JSON array) instruction's argv, e.g. ENTRYPOINT or HEALTHCHECK … CMD. */
export function execForm(args: string): string[] {
  const parsed = JSON.parse(args) as unknown;
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec-form array: ${args}`);
  return parsed as string[];
}

/**
 * The deadline the CLI gives calls in flight after SIGTERM (`gateway.close({ timeoutMs })` in
 * packages/cli/src/commands/gateway.ts), in seconds: the grace periods must cover it.
 */
export function gatewayDrainSeconds(): number {
  const match = /gateway\.close\(\{\s*timeoutMs:\s*([\d_]+)\s*\}\)/.exec(read('packages/cli/src/commands/gateway.ts'));
  if (!match) throw new Error('could not find gateway.close({ timeoutMs }) in packages/cli/src/commands/gateway.ts');
  return Number(match[1]!.replaceAll('_', '')) / 1000;
}

/** Durations as compose writes them (20s, 1m30s) in seconds. */
export function composeSeconds(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g))
    total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}

/** The `mcp.yaml` configs under deploy/: the files, and the one inside the Kubernetes ConfigMap. */
export function gatewayConfigs(): { name: string; text: string }[] {
  const configMap = obj(parseYaml('deploy/k8s/configmap.yaml')[0]);
  return [
    { name: 'deploy/docker/mcp.yaml', text: read('deploy/docker/mcp.yaml') },
    { name: 'deploy/compose/mcp.yaml', text: read('deploy/compose/mcp.yaml') },
    { name: 'deploy/k8s/configmap.yaml#mcp.yaml', text: String(obj(configMap.data)['mcp.yaml']) },
  ];
}
