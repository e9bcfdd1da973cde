/**
 * `mcp.yaml` text to a {@link GatewayConfig}: YAML with positions, the published schema, references, defaults,
 * cross-field rules. Every problem found is reported at once, each at its file:line:column.
 * @module
 */
import { readFile as readFileAsync } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { crossFieldProblems } from './checks.js';
import { GatewayConfigError, type GatewayConfigProblem } from './errors.js';
import { formatFieldPath, typedFieldPath } from './field-path.js';
import { normalizeConfig } from './normalize.js';
import type { RawConfig } from './raw-config.js';
import { validateAgainstSchema } from './schema.js';
import { schemaProblems } from './schema-problems.js';
import { literalSecretProblems } from './secrets.js';
import { readSmallFile, substituteReferences, type ConfigFileReader } from './substitute.js';
import type { GatewayConfig } from './types.js';
import type { RawProblem } from './raw-problem.js';
import { parseYamlSource, type YamlSource } from './yaml-source.js';

export type { ConfigFileReader } from './substitute.js';

export interface ParseGatewayConfigOptions {
  /** Where the text came from: relative paths and `${file:}` resolve against its folder. Default `mcp.yaml` in the working directory. */
  path?: string;
  /** Variables for `${env:NAME}`. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Reads `${file:PATH}` files. Default: a regular file of at most 1 MiB, as UTF-8. */
  readFile?: ConfigFileReader;
  /** How the file is named in messages. Default: its base name (`mcp.yaml`). */
  displayName?: string;
}

/**
 * Parses and validates `mcp.yaml` text.
 * @throws GatewayConfigError `MCPKIT_GATEWAY_CONFIG_INVALID` listing every problem as `file:line:column: field: message`.
 * @example
 * const config = await parseGatewayConfig('servers:\n  echo: {command: node, args: [echo.js]}\n', { path: '/srv/mcp.yaml' });
 */
export async function parseGatewayConfig(text: string, options: ParseGatewayConfigOptions = {}): Promise<GatewayConfig> {
  const source = resolve(options.path ?? 'mcp.yaml');
  const baseDir = dirname(source);
  const file = options.displayName ?? basename(source);
  const yaml = parseYamlSource(text);
  const fail = (problems: RawProblem[]) => new GatewayConfigError(file, problems.map((p) => locate(yaml, p)));
  if (yaml.problems.length > 0) throw fail(yaml.problems);

  const shape = [...schemaProblems(validateAgainstSchema(yaml.data)), ...literalSecretProblems(yaml.data)];
  const substituted = await substituteReferences(yaml.data, {
    env: options.env ?? process.env,
    baseDir,
    readFile: options.readFile ?? readSmallFile,
  });
  // The rest reads names, lists and values, which is only safe once the shape is right.
  if (shape.length > 0) throw fail([...shape, ...substituted.problems]);
  const raw = substituted.data as RawConfig;
  const { config, problems } = normalizeConfig(raw, source, baseDir);
  // A value whose reference failed is already reported; what it turned into is not worth a second message.
  const failed = new Set(substituted.problems.map((p) => formatFieldPath(p.path)));
  const all = [...substituted.problems, ...crossFieldProblems(raw), ...problems.filter((p) => !failed.has(formatFieldPath(p.path)))];
  if (all.length > 0) throw fail(all);
  return config;
}

function locate(yaml: YamlSource, problem: RawProblem): GatewayConfigProblem {
  const path = typedFieldPath(yaml.data, problem.path);
  const { line, column } = yaml.locate({ ...problem, path });
  return { path: formatFieldPath(path), line, column, message: problem.message };
}

/** Reads the file whole, as UTF-8 (the default reader of {@link loadGatewayConfig}). */
export function readConfigText(path: string): Promise<string> {
  return readFileAsync(path, 'utf8');
}
