/**
 * Reading JSON documents the sign and scan commands are given: keys, JWKS, signed manifests.
 * @module
 */
import { readFile } from 'node:fs/promises';
import type { verifyManifest } from '@mcpkit/trust';
import { usageError } from '../failure.js';

export type VerifyKeys = Parameters<typeof verifyManifest>[2]['keys'];

/**
 * The JSON in `path`.
 * @throws CliError (exit 2) when the file cannot be read or is not JSON.
 */
export async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw usageError(`${path}: cannot read the ${what}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw usageError(`${path}: the ${what} is not JSON: ${(error as Error).message}`);
  }
}

/** The keys of a public key file: a JWKS (`{"keys": [...]}`) or one JWK. */
export async function readKeys(path: string): Promise<Extract<VerifyKeys, readonly unknown[]>> {
  const doc = (await readJson(path, 'JWKS')) as { keys?: unknown };
  return (Array.isArray(doc.keys) ? doc.keys : [doc]) as Extract<VerifyKeys, readonly unknown[]>;
}
