import { describe, expect, it } from 'vitest';
import { digestServer } from './digest.js';
import { checkLockfile } from './lockfile-check.js';
import { parseLockfile } from './lockfile-parse.js';
import { emptyLockfile, pinServer, serializeLockfile } from './lockfile.js';
import type { ServerSnapshot } from './snapshot.js';

const snapshot: ServerSnapshot = {
  name: 'files',
  instructions: 'Read files.',
  tools: [{ name: 'read', description: 'Read a file.', inputSchema: { type: 'object' } }],
  prompts: [],
  resourceTemplates: [],
};

async function lockText(): Promise<string> {
  return serializeLockfile(pinServer(emptyLockfile(), await digestServer(snapshot), snapshot, { by: 'alice', at: '2026-12-04T19:00:00Z' }));
}

describe('checkLockfile', () => {
  it('finds nothing wrong with a lockfile mcpkit wrote', async () => {
    expect(await checkLockfile(parseLockfile(await lockText()))).toEqual([]);
  });

  it('catches a definition edited by hand to hide what was approved', async () => {
    const lock = parseLockfile((await lockText()).replace('"Read a file."', '"Read a file. Harmless."'));
    expect(await checkLockfile(lock)).toEqual([expect.stringMatching(/^servers\.files\.tools\.read\.digest: the definition hashes to [0-9a-f]{64}, not [0-9a-f]{64}$/)]);
  });

  it('catches edited instructions and a server digest its items do not give', async () => {
    const text = (await lockText()).replace('"Read files."', '"Read anything."');
    const lock = parseLockfile(text);
    lock.servers.files!.digest = 'f'.repeat(64);
    const problems = await checkLockfile(lock);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^servers\.files\.instructions\.digest: the text hashes to/);
    expect(problems[1]).toMatch(/^servers\.files\.digest: the approved items give [0-9a-f]{64}, not f{64}$/);
  });
});
