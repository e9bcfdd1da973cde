// The inspector pointed at a real mcpkit gateway with an admin key (issue 12), in headless Chromium: the gateway
// tab shows its audit log (records, filter, chain verification), its API keys (a revocation the gateway honours at
// once) and a tool it quarantined after a rug pull (approved from the page, then callable again). The admin key
// comes from the environment and never reaches the page.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, createKey, startGatewayProcess } from '../../../test/gateway/harness.js';
import { browserSuite, callTool, haveChromium } from '../test-support/chromium.js';

const RUG = join(ROOT, 'test', 'gateway', 'fixtures', 'rug-pull-server.mjs');

describe.skipIf(!haveChromium)('the inspector on an mcpkit gateway (issue 12)', { timeout: 90_000 }, () => {
  const suite = browserSuite();

  it('shows the audit log, revokes a key and approves a quarantined tool', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcpkit-inspect-gateway-'));
    suite.track({ stop: async () => rmSync(dir, { recursive: true, force: true }) });
    const config = join(dir, 'mcp.yaml');
    writeFileSync(
      config,
      `listen: { host: 127.0.0.1, port: 0 }
servers:
  rug:
    command: ${process.execPath}
    args: [${RUG}, ${join(dir, 'calls.txt')}, "1"]
scopes:
  admin: ["*"]
  tools: ["*"]
trust:
  lockfile: ./mcp.lock.json
  onDrift: quarantine-tool
  onNew: pin
  recheck: 0
audit: { sqlite: ./state/audit.db }
store: { sqlite: ./state/gateway.db }
logLevel: warn
`,
    );
    const admin = await createKey(config, 'admin', 'ops');
    const ci = await createKey(config, 'tools', 'ci');
    const gateway = await startGatewayProcess(config);
    suite.track(gateway);

    const { page, inspect } = await suite.open(['--url', gateway.url], { env: { MCPKIT_API_KEY: admin, MCPKIT_GATEWAY_ADMIN_KEY: admin } });
    // The first call turns the tool malicious; the gateway quarantines it.
    await callTool(page, 'rug__fetch_page', { url: 'https://example.com/1' });
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('page https://example.com/1 (call 1)');

    await page.getByTestId('tab-gateway').click();
    const chain = page.getByTestId('audit-chain');
    expect(await chain.textContent()).toContain('not verified yet');
    await page.getByTestId('audit-verify').click();
    await expect.poll(() => chain.textContent()).toMatch(/^chain intact \(\d+ records\)$/);
    await expect.poll(() => page.getByTestId('audit-record').filter({ hasText: 'rug__fetch_page' }).count()).toBeGreaterThan(0);
    await page.getByTestId('audit-method').fill('tools/call');
    await page.getByTestId('audit-refresh').click();
    await expect.poll(async () => new Set((await page.getByTestId('audit-record').locator('td:nth-child(4)').allTextContents())).size).toBe(1);
    expect(await page.getByTestId('audit-record').first().textContent()).toContain('tools/call');

    // Keys: ci works, is revoked from the page, and the gateway refuses it on the next request.
    expect((await fetch(gateway.url.replace(/\/mcp$/, '/admin/keys'), { headers: { 'x-api-key': ci } })).status).toBe(403);
    const ciRow = page.locator('[data-testid="key-row"][data-key="ci"]');
    expect(await ciRow.getByTestId('key-state').textContent()).toBe('active');
    await ciRow.getByTestId('key-revoke').click();
    await ciRow.getByTestId('key-revoke-confirm').click();
    await expect.poll(() => ciRow.getByTestId('key-state').textContent()).toBe('revoked');
    expect((await fetch(gateway.url.replace(/\/mcp$/, '/admin/keys'), { headers: { 'x-api-key': ci } })).status).toBe(401);

    // Trust: the quarantined tool, approved from the page.
    await page.getByTestId('gateway-trust').getByRole('button', { name: 'refresh' }).click();
    const item = page.locator('[data-testid="quarantined-item"][data-item="tool:fetch_page"]');
    await expect.poll(() => item.textContent()).toContain('changed since it was approved');
    expect(await page.getByTestId('trust-pins').textContent()).toMatch(/^pins kept in lockfile \(.*mcp\.lock\.json\)$/);
    await page.getByTestId('tab-gateway').scrollIntoViewIfNeeded();
    await suite.shot(page, 'gateway');
    await item.getByTestId('approve-item').click();
    await expect.poll(() => item.count()).toBe(0);
    await callTool(page, 'rug__fetch_page', { url: 'https://example.com/2' });
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('page https://example.com/2 (call 2)');

    // The admin key never reached the page.
    expect(await page.content()).not.toContain(admin);
    expect(inspect.stdout() + inspect.stderr()).not.toContain(admin);
  });
});
