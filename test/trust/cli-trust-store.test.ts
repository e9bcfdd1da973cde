/**
 * Issue 10: `mcpkit trust approve|show|revoke --config mcp.yaml` with `trust.pins: store` read and write the
 * gateway's SQLite database, not the lockfile (which is imported once, the first time the store opens); and
 * `mcpkit gateway config history|show` read the revisions a gateway recorded there. Real processes; no timing.
 * @module
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { digestServer, emptyLockfile, pinServer, serializeLockfile } from '@mcpkit/trust';
import { ROOT, runCli } from '../../packages/cli/src/testing/harness.js';
import { startGatewayProcess } from '../gateway/harness.js';

const MUTABLE = join(ROOT, 'test', 'trust', 'fixtures', 'mutable-server.mjs');
const dir = mkdtempSync(join(tmpdir(), 'mcpkit-cli-trust-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const config = join(dir, 'mcp.yaml');
const text = `listen: { host: 127.0.0.1, port: 0 }
servers:
  dict:
    command: ${process.execPath}
    args: [${MUTABLE}]
    env: { MUTABLE_DESCRIPTION: "A dictionary." }
scopes:
  all: ["*"]
trust:
  pins: store
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: warn
`;
writeFileSync(config, text);
const rows = () => {
  const db = new Database(join(dir, 'state', 'gateway.db'), { readonly: true });
  try {
    return db.prepare('SELECT server, entry FROM trust_pins ORDER BY server').all() as Array<{ server: string; entry: string }>;
  } finally {
    db.close();
  }
};

describe('mcpkit trust with trust.pins: store (SQLite)', () => {
  it('imports a committed lockfile once, then approves, shows and revokes in the database', async () => {
    // A committed lockfile with one server the config does not even run: imported on first open.
    const snapshot = { name: 'example', serverInfo: { name: 'example', version: '1' }, tools: [{ name: 'noop', inputSchema: { type: 'object' as const } }], prompts: [], resourceTemplates: [] };
    writeFileSync(join(dir, 'mcp.lock.json'), serializeLockfile(pinServer(emptyLockfile(), await digestServer(snapshot), snapshot, { by: 'git' })));
    const approve = await runCli(['trust', 'approve', 'dict', '--config', config, '--by', 'carol'], { cwd: dir });
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout).toContain(`approved dict (1 tools, 0 prompts, 0 resource templates) by carol in ${join(dir, 'state', 'gateway.db')}`);
    expect(rows().map((r) => r.server)).toEqual(['dict', 'example']);
    // The lockfile itself is left as it was.
    expect(JSON.parse(readFileSync(join(dir, 'mcp.lock.json'), 'utf8')).servers.dict).toBeUndefined();

    const show = await runCli(['trust', 'show', 'dict', '--config', config, '--json'], { cwd: dir });
    expect(show.code, show.stderr).toBe(0);
    expect(JSON.parse(show.stdout)).toMatchObject({ server: 'dict', approvedBy: 'carol', tools: { lookup: { definition: { description: 'A dictionary.' } } } });

    const revoke = await runCli(['trust', 'revoke', 'example', '--config', config], { cwd: dir });
    expect(revoke.code, revoke.stderr).toBe(0);
    // Imported once: the revoked server does not come back from the lockfile on the next open.
    const missing = await runCli(['trust', 'show', 'example', '--config', config], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`has no server "example"`);
    expect(rows().map((r) => r.server)).toEqual(['dict']);

    // mcpkit lock writes the file only, and says the gateway reads its database.
    const lock = await runCli(['lock', '--config', config], { cwd: dir });
    expect(lock.code, lock.stderr).toBe(0);
    expect(lock.stderr).toContain("keeps the gateway's pins in its database (trust.pins: store)");
    expect(rows().map((r) => r.server)).toEqual(['dict']);

    // --lockfile still means the file.
    const file = await runCli(['trust', 'show', 'example', '--config', config, '--lockfile', join(dir, 'mcp.lock.json'), '--json'], { cwd: dir });
    expect(file.code, file.stderr).toBe(0);
  });

  it('shows the revisions a gateway recorded, and says when there are none', async () => {
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'store: { sqlite: ./empty/gateway.db }\naudit: { sqlite: ./empty/audit.db }\n');
    const none = await runCli(['gateway', 'config', 'history', '--config', empty], { cwd: dir });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toContain('no configuration recorded yet');
    expect((await runCli(['gateway', 'config', 'show', '--config', empty], { cwd: dir })).code).toBe(2);
    expect((await runCli(['gateway', 'config', 'history', '--limit', 'x', '--config', empty], { cwd: dir })).stderr).toContain('--limit "x" is not a positive whole number');

    const gateway = await startGatewayProcess(config);
    try {
      let history: Array<{ revision: number; digest: string }> = [];
      for (let i = 0; i < 200 && history.length === 0; i++) {
        const out = await runCli(['gateway', 'config', 'history', '--config', config, '--json'], { cwd: dir });
        expect(out.code, out.stderr).toBe(0);
        history = JSON.parse(out.stdout) as typeof history;
        if (history.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(history).toHaveLength(1);
      expect(history[0]!.revision).toBe(1);
      const shown = await runCli(['gateway', 'config', 'show', '1', '--config', config], { cwd: dir });
      expect(shown.stdout).toBe(text);
    } finally {
      await gateway.stop();
    }
    expect(existsSync(join(dir, 'state', 'gateway.db'))).toBe(true);
  });
});
