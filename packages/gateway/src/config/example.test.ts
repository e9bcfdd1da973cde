// The committed demo, examples/gateway/mcp.yaml, loads without a problem and points at real launchers.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from './load.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const example = join(root, 'examples/gateway/mcp.yaml');

describe('examples/gateway/mcp.yaml', () => {
  it('loads without a problem, with nothing from the environment but the demo key', async () => {
    const config = await loadGatewayConfig(example, { env: { MCPKIT_DEMO_KEY: 'demo-key-'.padEnd(43, 'x') } });
    expect(Object.keys(config.servers)).toEqual(['everything', 'filesystem', 'sqlite', 'weather']);
    expect(Object.keys(config.scopes)).toHaveLength(2);
    expect(config.rateLimits).toHaveLength(1);
    expect(config.audit.store).toEqual({ sqlite: join(root, 'examples/gateway/.mcpkit/audit.db') });
    expect(config.listen).toMatchObject({ host: '127.0.0.1', path: '/mcp' });
  });

  it('starts each reference server through the launcher its package.json names as its bin', async () => {
    const config = await loadGatewayConfig(example, { env: { MCPKIT_DEMO_KEY: 'x'.repeat(43) } });
    for (const [name, server] of Object.entries(config.servers)) {
      if (server.transport !== 'stdio') throw new Error(`${name} should be a stdio server`);
      const dir = { everything: 'everything', filesystem: 'filesystem', sqlite: 'sqlite', weather: 'weather' }[name]!;
      const pkg = JSON.parse(readFileSync(join(root, 'servers', dir, 'package.json'), 'utf8')) as { bin: Record<string, string> };
      const launcher = join(root, 'servers', dir, pkg.bin[`mcpkit-${dir}`]!);
      expect(server.command).toBe('node');
      expect(join(server.cwd!, server.args[0]!)).toBe(launcher);
      expect(existsSync(launcher)).toBe(true);
    }
    const files = config.servers.filesystem!;
    expect(files.transport === 'stdio' && existsSync(join(files.cwd!, files.args[1]!))).toBe(true);
  });
});
