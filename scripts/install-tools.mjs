// Installs the pinned conformance suite and the Node 22 it needs into tools/conformance, apart from the
// workspace so that its `node` binary never shadows the machine's Node in npm scripts.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = join(root, 'tools', 'conformance');
const marker = join(dir, 'node_modules', '@modelcontextprotocol', 'conformance', 'package.json');
if (process.env.MCPKIT_SKIP_TOOLS === '1' || !existsSync(join(dir, 'package.json'))) process.exit(0);
if (!existsSync(marker) || !existsSync(join(dir, 'node_modules', '.bin', 'node'))) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['ci', '--no-audit', '--no-fund', '--prefix', dir], { stdio: 'inherit', cwd: dir });
}
