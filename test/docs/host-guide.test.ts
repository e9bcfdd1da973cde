/**
 * Keeps docs/host.md honest (issue 11): every ```ts block type-checks against the built packages, as
 * test/docs/client-guide.test.ts does for the client guide, and every runtime export of @mcpkit/host and
 * @mcpkit/host/testing is named in it.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guideBlocks, typeCheckBlocks } from './guide-blocks.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guide = readFileSync(join(root, 'docs', 'host.md'), 'utf8');
// Its own folder under test/, so @mcpkit/* resolve through the workspace's node_modules (built dist/).
const outDir = join(root, 'test', 'dist', 'host-guide');

const blocks = () => guideBlocks(guide);

describe('docs/host.md', () => {
  it('has examples', () => {
    expect(blocks().length).toBeGreaterThanOrEqual(3);
  });

  it('every ts block type-checks against the built packages', () => {
    const problems = typeCheckBlocks('docs/host.md', blocks(), outDir);
    expect(problems).toEqual([]);
  });

  it('names every runtime export of @mcpkit/host and @mcpkit/host/testing', async () => {
    const names = [...Object.keys(await import('@mcpkit/host')), ...Object.keys(await import('@mcpkit/host/testing'))];
    expect(names.length).toBeGreaterThan(30);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(guide))).toEqual([]);
  });
});
