/**
 * The scanner's false-positive check (issue 9): the real definitions of this repository's reference servers and
 * the official server-everything (and server-filesystem, when installed) produce no finding at high or above,
 * scanned one by one and all together. Prints the false-positive rate: findings at medium or above per definition.
 * @module
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atOrAbove, formatFindings, scanSnapshots } from '../../packages/trust/src/scanner/index.js';
import type { ServerSnapshot } from '../../packages/trust/src/snapshot.js';
import { BENIGN_SNAPSHOTS } from '../../packages/trust/test-support/benign-snapshots.js';
import { OFFICIAL_FILESYSTEM_INSTALLED, benignServers, scratchDir, snapshotOf } from './benign-servers.js';

const scratch = scratchDir();
const snapshots: ServerSnapshot[] = [];

function definitionCount(s: ServerSnapshot): number {
  return s.tools.length + s.prompts.length + s.resourceTemplates.length + (s.resources?.length ?? 0) + (s.instructions || s.serverInfo ? 1 : 0);
}

beforeAll(async () => {
  for (const server of benignServers(scratch.dir)) snapshots.push(await snapshotOf(server));
}, 60_000);

afterAll(() => scratch.remove());

describe('the benign set', () => {
  it('lists every benign server', () => {
    expect(snapshots.map((s) => s.name)).toEqual(expect.arrayContaining(['mcpkit-everything', 'mcpkit-filesystem', 'mcpkit-sqlite', 'mcpkit-weather', 'official-everything']));
    for (const s of snapshots) expect(s.tools.length, s.name).toBeGreaterThan(0);
    if (!OFFICIAL_FILESYSTEM_INSTALLED) console.warn('[trust] @modelcontextprotocol/server-filesystem is not installed: left out of the benign set');
  });

  it('has no finding at high or above, server by server', () => {
    for (const s of snapshots) {
      const findings = scanSnapshots([s]);
      expect(atOrAbove(findings, 'high'), `${s.name}\n${formatFindings(findings)}`).toEqual([]);
    }
  });

  it('has no finding at high or above scanned together, and prints the false-positive rate', () => {
    const together = scanSnapshots(snapshots);
    expect(atOrAbove(together, 'high'), formatFindings(together)).toEqual([]);
    const definitions = snapshots.reduce((n, s) => n + definitionCount(s), 0);
    const alone = snapshots.flatMap((s) => atOrAbove(scanSnapshots([s]), 'medium'));
    const fixtureDefinitions = BENIGN_SNAPSHOTS.reduce((n, s) => n + definitionCount(s), 0);
    const fixtureMedium = atOrAbove(scanSnapshots(BENIGN_SNAPSHOTS), 'medium').length;
    const rows = snapshots.map((s) => `${s.name}: ${definitionCount(s)} definitions, ${atOrAbove(scanSnapshots([s]), 'medium').length} at medium+`);
    console.log(
      [
        `[trust] benign set: ${snapshots.length} servers, ${definitions} definitions`,
        ...rows.map((r) => `  ${r}`),
        `  false-positive rate (findings >= medium per definition), servers alone: ${alone.length}/${definitions} = ${((100 * alone.length) / definitions).toFixed(2)}%`,
        `  scanned together: ${atOrAbove(together, 'medium').length}/${definitions} = ${((100 * atOrAbove(together, 'medium').length) / definitions).toFixed(2)}%`,
        `  hand-written fixtures (packages/trust/test-support/benign-snapshots.ts): ${fixtureMedium}/${fixtureDefinitions} = ${((100 * fixtureMedium) / fixtureDefinitions).toFixed(2)}%`,
        `  all findings together (any severity):\n${formatFindings(together)}`,
      ].join('\n'),
    );
  });
});
