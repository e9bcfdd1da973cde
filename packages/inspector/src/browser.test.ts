// Browser tests for the inspector (issue 12): headless Chromium (Debian's package) driven by playwright-core
// against the real `mcpkit inspect` process, over stdio and Streamable HTTP to the everything server, plus a
// hostile server and a broken one. Any page error or console error fails the test. Without /usr/bin/chromium the
// suite is skipped with a warning, unless CI is set, when that is an error.
// MCPKIT_INSPECTOR_SCREENSHOTS=1 writes the panes to docs/inspector/*.png.
import { type ChildProcess, spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { browserSuite, callTool, haveChromium } from '../test-support/chromium.js';
import { EVERYTHING, FORMS, HOSTILE } from '../test-support/inspect-process.js';

// Each test drives a real browser, CLI and server: room for a loaded machine beyond the suite's 20 s default.
describe.skipIf(!haveChromium)('mcpkit inspect in Chromium (issue 12)', { timeout: 45_000 }, () => {
  const suite = browserSuite();
  const open = suite.open;
  const shot = suite.shot;

  it('over stdio: lists, calls with the form, answers an elicitation, shows progress and logs, reads, gets, keeps the history', async () => {
    const { page } = await open(['--', process.execPath, EVERYTHING]);
    expect(await page.getByTestId('revision').textContent()).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await shot(page, 'connection');

    await page.getByTestId('tab-tools').click();
    await expect.poll(() => page.getByTestId('tool-item').allTextContents()).toEqual(expect.arrayContaining(['echo', 'add', 'elicit_info', 'long_running', 'log_messages']));

    // Validation before sending: the required field is empty.
    await callTool(page, 'echo');
    await expect.poll(() => page.getByTestId('tool-problems').textContent()).toContain('text: is required');
    await page.getByTestId('field-text').fill('hello inspector');
    await page.getByTestId('tool-call').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('hello inspector');

    await callTool(page, 'add', { a: '2', b: '3' });
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('matches outputSchema');
    expect(await page.getByTestId('tool-result').textContent()).toContain('"sum": 5');
    await shot(page, 'tools');

    await callTool(page, 'elicit_info');
    const ask = page.getByTestId('ask');
    await ask.getByTestId('field-name').fill('Ada');
    await ask.getByTestId('field-age').fill('36');
    await shot(page, 'elicitation');
    await ask.getByTestId('ask-accept').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('Hello Ada');
    await expect.poll(() => page.getByTestId('ask').count()).toBe(0);

    await callTool(page, 'long_running', { seconds: '0.6', steps: '3' });
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('finished');
    expect(await page.getByTestId('tool-progress').textContent()).toContain('3 / 3');

    await callTool(page, 'log_messages');
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('Logged at five levels');
    // Sampling and roots, answered by hand.
    await callTool(page, 'sample_llm', { prompt: 'Say hi' });
    await page.getByTestId('ask').getByTestId('sampling-reply').fill('hi from a human');
    await page.getByTestId('ask').getByTestId('ask-accept').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('LLM said: hi from a human');
    await callTool(page, 'list_roots');
    await page.getByTestId('ask').getByTestId('roots-input').fill('file:///tmp/project');
    await page.getByTestId('ask').getByTestId('ask-accept').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('file:///tmp/project');

    // An image result, and a call cancelled while it runs.
    await callTool(page, 'get_image');
    await expect.poll(() => page.getByTestId('tool-result').locator('img').getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await callTool(page, 'long_running', { seconds: '30', steps: '30' });
    await expect.poll(() => page.getByTestId('tool-progress').textContent()).toContain('/ 30');
    await page.getByTestId('tool-cancel').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toMatch(/cancel/i);

    await page.getByTestId('tab-logs').click();
    await expect.poll(() => page.getByTestId('log-log').count()).toBeGreaterThanOrEqual(5);
    expect(await page.getByTestId('log-log').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('a warning message')]));
    expect(await page.getByTestId('log-progress').count()).toBeGreaterThanOrEqual(3);
    await shot(page, 'logs');

    await page.getByTestId('tab-resources').click();
    await page.getByTestId('resource-item').filter({ hasText: 'readme' }).click();
    await expect.poll(() => page.getByTestId('resource-contents').textContent()).toContain('A demo of every MCP feature');
    await shot(page, 'resources');

    // A subscription: the counter is read again when the server says it changed.
    await page.getByTestId('resource-item').filter({ hasText: 'counter' }).click();
    await expect.poll(() => page.getByTestId('resource-contents').locator('pre').textContent()).toBe('0');
    await page.getByTestId('resource-subscribe').click();
    await expect.poll(() => page.getByTestId('resource-subscribe').textContent()).toBe('unsubscribe');
    await callTool(page, 'increment');
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('counter is 1');
    await page.getByTestId('tab-resources').click();
    await expect.poll(() => page.getByTestId('resource-updates').textContent()).toContain('updated 1');
    await expect.poll(() => page.getByTestId('resource-contents').locator('pre').textContent()).toBe('1');

    // A template filled with the server's completions, then read.
    await page.getByTestId('template-id').fill('1');
    await expect.poll(() => page.locator('datalist[id="complete-ref/resource-id"] option').evaluateAll((os) => os.map((o) => o.getAttribute('value')))).toEqual(['1', '10']);
    await page.getByRole('button', { name: 'read demo://items/1' }).click();
    await expect.poll(() => page.getByTestId('resource-contents').textContent()).toContain('"name":"item 1"');

    // A resource link in a tool result is read from the result.
    await callTool(page, 'get_resource_link', { id: '2' });
    await page.getByTestId('tool-result').getByRole('button', { name: 'read' }).click();
    await expect.poll(() => page.getByTestId('resource-contents').textContent()).toContain('"name":"item 2"');

    await page.getByTestId('tab-prompts').click();
    await page.getByTestId('prompt-item').filter({ hasText: 'greeting' }).click();
    await page.getByTestId('prompt-arg-name').fill('Grace');
    await page.getByTestId('prompt-get').click();
    await expect.poll(() => page.getByTestId('prompt-result').textContent()).toContain('greeting for Grace');

    await page.getByTestId('tab-history').click();
    const entries = await page.getByTestId('history-entry').count();
    expect(entries).toBeGreaterThan(12);
    await shot(page, 'history');
    await page.getByTestId('history-filter').fill('tools/call');
    await expect.poll(() => page.getByTestId('history-entry').count()).toBeLessThan(entries);
    const download = page.waitForEvent('download');
    await page.getByTestId('history-export').click();
    const lines = (await (await download).createReadStream()).toArray();
    const text = Buffer.concat((await lines) as Buffer[]).toString('utf8').trim().split('\n');
    expect(text.length).toBeGreaterThan(0);
    for (const line of text) expect(JSON.stringify((JSON.parse(line) as { message: unknown }).message)).toContain('tools/call');
  });

  it('over Streamable HTTP: lists, calls with the form, answers an elicitation', async () => {
    const server = await startEverythingHttp();
    suite.track(server);
    const { page } = await open(['--url', server.url]);
    expect(await page.getByTestId('connection-status').textContent()).toContain('connected');
    await callTool(page, 'echo', { text: 'over http' });
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('over http');
    await callTool(page, 'elicit_info');
    await page.getByTestId('ask').getByTestId('field-name').fill('Lin');
    await page.getByTestId('ask').getByTestId('ask-accept').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('Hello Lin');
    await page.getByTestId('tab-history').click();
    expect(await page.getByTestId('history-entry').count()).toBeGreaterThan(4);
  });

  it('builds the form from $defs, nested objects, arrays, enums and oneOf, validates it, and has a raw JSON toggle', async () => {
    const { page } = await open(['--', process.execPath, FORMS]);
    await callTool(page, 'order');
    const problems = page.getByTestId('tool-problems');
    await expect.poll(() => problems.textContent()).toContain('customer.name: is required');
    expect(await problems.textContent()).toContain('items: is required');
    await page.getByTestId('field-customer.name').fill('Ada');
    await page.getByTestId('field-customer.vip').check();
    await page.getByTestId('add-items').click();
    await page.getByTestId('field-items[0].sku').fill('ab');
    await page.getByTestId('field-items[0].qty').fill('2');
    await page.getByTestId('field-priority').selectOption({ label: 'high' });
    await page.getByTestId('variant-shipping').selectOption({ label: 'delivery' });
    await page.getByTestId('field-shipping.address').fill('1 Main St');
    await page.getByTestId('tool-call').click();
    await expect.poll(() => problems.textContent()).toContain('items[0].sku: needs at least 3 characters');
    await page.getByTestId('field-items[0].sku').fill('abc');
    await page.getByTestId('tool-call').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('"sku":"abc"');
    const sent = JSON.parse((await page.getByTestId('tool-result').locator('pre').first().textContent()) ?? '{}') as unknown;
    expect(sent).toEqual({ customer: { name: 'Ada', vip: true }, items: [{ sku: 'abc', qty: 2 }], priority: 'high', shipping: { address: '1 Main St' } });
    await shot(page, 'form');

    // Saved as a request, picked again later from the collection, and exported.
    await page.getByTestId('save-name').fill('big order');
    await page.getByTestId('save-request').click();
    await page.getByTestId('tool-item').filter({ hasText: /^stamp$/ }).click();
    await page.getByTestId('saved-request').filter({ hasText: 'big order' }).click();
    expect(await page.getByTestId('field-customer.name').inputValue()).toBe('Ada');
    expect(await page.getByTestId('field-items[0].sku').inputValue()).toBe('abc');
    expect(await page.getByTestId('field-shipping.address').inputValue()).toBe('1 Main St');
    const exported = page.waitForEvent('download');
    await page.getByTestId('collection-export').click();
    const saved = JSON.parse(Buffer.concat((await (await (await exported).createReadStream()).toArray()) as Buffer[]).toString('utf8')) as unknown;
    expect(saved).toEqual([{ name: 'big order', tool: 'order', arguments: sent }]);

    await page.getByTestId('raw-json-toggle').check();
    await page.getByTestId('raw-json').fill('{"customer": {"name": "Raw"}, "items": [{"sku": "xyz", "qty": 1}]}');
    await page.getByTestId('tool-call').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('"name":"Raw"');
    await page.getByTestId('raw-json').fill('{not json');
    await page.getByTestId('tool-call').click();
    await expect.poll(() => problems.textContent()).toContain('raw JSON');

    // Reconnecting starts the server again: the stamp tool's description drifted, and the pane says so.
    await page.getByTestId('tab-connection').click();
    await page.getByTestId('reconnect').click();
    await expect.poll(() => page.getByTestId('drift-entry').allTextContents()).toEqual([expect.stringContaining('/tools/stamp/description')]);
  });

  it('never follows or links a javascript: URL from a server, and shows its HTML as text', async () => {
    const { page } = await open(['--', process.execPath, HOSTILE]);
    const pwned = () => page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned);
    expect(await page.getByTestId('website-url').textContent()).toBe('javascript:window.__pwned=3');
    expect(await page.getByTestId('website-url').locator('a').count()).toBe(0);
    expect(await page.getByTestId('instructions').textContent()).toContain('<script>window.__pwned=2</script>');
    await page.getByTestId('website-url').getByTestId('unlinked-url').click();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    await callTool(page, 'html_result');
    const result = page.getByTestId('tool-result');
    await expect.poll(() => result.textContent()).toContain('Result with HTML: <img src=x onerror="window.__pwned=1">');
    expect(await result.locator('b', { hasText: 'bold?' }).count()).toBe(0);
    expect(await result.locator('img').count()).toBe(0); // the SVG is not rendered either
    expect(await result.locator('a[href="https://example.com/doc"]').count()).toBe(1);
    await result.getByText('javascript:window.__pwned=5').click();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''));
    expect(hrefs.filter((h) => !/^https?:/.test(h))).toEqual([]);
    expect(await page.locator('img[src="x"], script:not([src])').count()).toBe(0);
    expect(await pwned()).toBeUndefined();

    await page.getByTestId('tab-logs').click();
    expect(await page.getByTestId('stdout-noise').textContent()).toContain('not JSON-RPC');
    expect(await page.getByTestId('log-stderr').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('hostile server: stderr works')]));
  });

  it('names the real cause when a connection fails (connection doctor)', async () => {
    const { page } = await open(['--', process.execPath, '-e', 'console.error("fatal: config file missing"); process.exit(3)'], { connected: false });
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toContain('failed');
    const doctor = page.getByTestId('doctor');
    expect(await doctor.textContent()).toContain('fatal: config file missing');
    expect(await doctor.textContent()).toContain('code 3');
    await shot(page, 'doctor');

    const missing = await open(['--', 'mcpkit-no-such-command-xyz'], { connected: false });
    await expect.poll(() => missing.page.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toContain('failed');
    expect(await missing.page.getByTestId('doctor').textContent()).toContain('command-not-found');
  });
});

/** The everything server over Streamable HTTP on a free port. */
function startEverythingHttp(): Promise<{ url: string; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, [EVERYTHING, '--http', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`the everything server did not start: ${out}`))), 10_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (!url) return;
      clearTimeout(timer);
      resolve({
        url,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}
