/**
 * Keeps docs/client.md honest (issue 13): every ```ts block type-checks against the built packages, and every
 * public function of @mcpkit/client (each entry point's runtime exports, and the methods of Client and ToolTask)
 * appears in at least one example.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { guideBlocks, typeCheckBlocks } from './guide-blocks.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const guide = readFileSync(join(root, 'docs', 'client.md'), 'utf8');
// Its own folder: the server guide's test writes elsewhere.
const outDir = join(root, 'test', 'dist', 'client-guide');

const blocks = () => guideBlocks(guide);

// Examples after "Connecting" use a connected `client`, as the guide says.
const PRELUDE = `import type { Client } from '@mcpkit/client';
declare global {
  const client: Client;
}
export {};
`;

describe('docs/client.md', () => {
  it('has examples', () => {
    expect(blocks().length).toBeGreaterThan(15);
  });

  it('every ts block type-checks against the built packages', () => {
    const problems = typeCheckBlocks('docs/client.md', blocks(), outDir, PRELUDE);
    expect(problems).toEqual([]);
  });

  it('shows every public function of @mcpkit/client in an example', async () => {
    const code = blocks()
      .map((b) => b.code)
      .join('\n');
    const names = new Set<string>();
    for (const entry of ['@mcpkit/client', '@mcpkit/client/node', '@mcpkit/client/auth']) {
      for (const name of Object.keys((await import(entry)) as object)) names.add(name);
    }
    const { Client, ToolTask } = await import('@mcpkit/client');
    for (const Class of [Client, ToolTask]) {
      for (const name of Object.getOwnPropertyNames(Class.prototype)) if (name !== 'constructor') names.add(name);
    }
    const missing = [...names].filter((name) => !new RegExp(`\\b${name}\\b`).test(code));
    expect(missing).toEqual([]);
  });
});
