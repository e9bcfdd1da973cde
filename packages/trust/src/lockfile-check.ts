/**
 * Checks that a lockfile agrees with itself, so a hand-edited definition cannot hide what was really approved.
 * @module
 */
import { canonicalize } from './jcs.js';
import { ITEM_KINDS } from './definition.js';
import { recordOf, sha256Hex } from './digest.js';
import { lockedServerDigest, type Lockfile } from './lockfile.js';

/**
 * Every place where a lockfile contradicts itself, as `servers.NAME.tools.TOOL.digest: …` lines: an item whose
 * definition does not hash to its digest, instructions whose text does not, a server digest its items do not give.
 * An empty list means the lockfile is consistent (not that any server still matches it: that is `compareServer`).
 * @example
 * const problems = await checkLockfile(parseLockfile(text, 'mcp.lock.json'));
 */
export async function checkLockfile(lock: Lockfile): Promise<string[]> {
  const problems: string[] = [];
  for (const [server, entry] of Object.entries(lock.servers)) {
    const at = `servers.${server}`;
    for (const kind of ITEM_KINDS) {
      for (const [name, item] of Object.entries(entry[recordOf(kind)])) {
        let actual: string;
        try {
          actual = await sha256Hex(canonicalize(item.definition));
        } catch (error) {
          problems.push(`${at}.${recordOf(kind)}.${name}.definition: ${(error as Error).message}`);
          continue;
        }
        if (actual !== item.digest) problems.push(`${at}.${recordOf(kind)}.${name}.digest: the definition hashes to ${actual}, not ${item.digest}`);
      }
    }
    if (entry.instructions !== undefined) {
      const actual = await sha256Hex(canonicalize(entry.instructions.text));
      if (actual !== entry.instructions.digest) problems.push(`${at}.instructions.digest: the text hashes to ${actual}, not ${entry.instructions.digest}`);
    }
    const digest = await lockedServerDigest(entry);
    if (digest !== entry.digest) problems.push(`${at}.digest: the approved items give ${digest}, not ${entry.digest}`);
  }
  return problems;
}
