// Makes every workspace's declared bin executable after a build: tsc writes plain files, and npm links
// bins at install time, before `prepare` has built them, so nothing else sets the mode.
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { workspaces } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
for (const ws of workspaces) {
  const manifest = join(root, ws, 'package.json');
  if (!existsSync(manifest)) continue;
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  const targets = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
  for (const target of targets) {
    const file = join(root, ws, target);
    if (existsSync(file)) chmodSync(file, 0o755);
  }
}
