/**
 * `mcp.yaml` from disk.
 * @module
 */
import { resolve } from 'node:path';
import { GatewayConfigError } from './errors.js';
import { parseGatewayConfig, readConfigText, type ConfigFileReader } from './parse.js';
import type { GatewayConfig } from './types.js';

export interface LoadGatewayConfigOptions {
  /** Variables for `${env:NAME}`. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Reads the config file and its `${file:}` files. Default: Node's file system. */
  readFile?: ConfigFileReader;
}

/**
 * Reads, parses and validates a gateway configuration file; the path is relative to the working directory.
 * @throws GatewayConfigError `MCPKIT_GATEWAY_CONFIG_INVALID` when the file cannot be read or has problems.
 * @example
 * const config = await loadGatewayConfig('examples/gateway/mcp.yaml', { env: { MCPKIT_DEMO_KEY: 'x'.repeat(43) } });
 */
export async function loadGatewayConfig(path: string, options: LoadGatewayConfigOptions = {}): Promise<GatewayConfig> {
  const absolute = resolve(path);
  let text: string;
  try {
    text = await (options.readFile ?? readConfigText)(absolute);
  } catch (error) {
    const message = `cannot read the file: ${(error as Error).message}`;
    throw new GatewayConfigError(path, [{ path: '', line: 1, column: 1, message }], { cause: error });
  }
  return parseGatewayConfig(text, {
    path: absolute,
    displayName: path,
    ...(options.env ? { env: options.env } : {}),
    ...(options.readFile ? { readFile: options.readFile } : {}),
  });
}
