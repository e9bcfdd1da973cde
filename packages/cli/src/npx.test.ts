/**
 * The acceptance line, from the repository root after `npm install`: `npx mcpkit list --json --
 * node servers/everything/dist/bin.js`, and the same through the linked `mcpkit-everything` bin.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, run } from './testing/harness.js';

function toolNames(stdout: string): string[] {
  return (JSON.parse(stdout) as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
}

describe('npx mcpkit (bins linked by npm install)', () => {
  it('npx mcpkit list --json -- node servers/everything/dist/bin.js', async () => {
    const r = await run('npx', ['mcpkit', 'list', '--json', '--', 'node', 'servers/everything/dist/bin.js'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(toolNames(r.stdout)).toContain('echo');
  });

  it.runIf(existsSync(join(ROOT, 'node_modules', '.bin', 'mcpkit-everything')))('npx mcpkit list --json -- npx mcpkit-everything', async () => {
    const r = await run('npx', ['mcpkit', 'list', '--json', '--', 'npx', 'mcpkit-everything'], { cwd: ROOT });
    expect(r.code, r.stderr).toBe(0);
    expect(toolNames(r.stdout)).toContain('echo');
  });

  it('npx mcpkit --help', async () => {
    const r = await run('npx', ['mcpkit', '--help'], { cwd: ROOT });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: mcpkit /);
  });
});
