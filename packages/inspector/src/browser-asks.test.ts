// The server's questions answered by hand in the inspector (issue 12), in headless Chromium: a URL-mode
// elicitation shows its URL as text and links it only when it is http(s) (a javascript: URL is never a link and
// never followed), accept and decline reach the server; a sampling request refused in the page reaches the server
// as a JSON-RPC error in the session era, and ends the call in the stateless era.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ASKS } from '../test-support/inspect-process.js';
import { browserSuite, callTool, haveChromium } from '../test-support/chromium.js';

describe.skipIf(!haveChromium)('the server asks, the user answers in the inspector (issue 12)', { timeout: 60_000 }, () => {
  const suite = browserSuite();

  it('URL-mode elicitation: the URL as text, a link only for http(s), accept and decline', async () => {
    const { page } = await suite.open(['--', process.execPath, ASKS]);
    const ask = page.getByTestId('ask');

    await callTool(page, 'connect_account');
    await expect.poll(() => ask.textContent()).toContain('elicitation (URL)');
    expect(await ask.textContent()).toContain('Open this page to connect your account');
    const link = ask.locator('a');
    expect(await link.count()).toBe(1);
    expect(await link.textContent()).toBe('https://example.com/connect?account=42');
    expect(await link.getAttribute('href')).toBe('https://example.com/connect?account=42');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('rel')).toContain('noopener');
    expect(await ask.getByTestId('elicitation-url-host').textContent()).toContain('a page on example.com');
    await suite.shot(page, 'elicitation-url');
    await ask.getByTestId('ask-accept').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('action: accept');
    await expect.poll(() => ask.count()).toBe(0);

    await callTool(page, 'connect_account');
    await ask.getByTestId('ask-decline').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('action: decline');

    await callTool(page, 'hostile_link');
    await expect.poll(() => ask.getByTestId('unlinked-url').textContent()).toBe('javascript:window.__pwned=7');
    expect(await ask.locator('a').count()).toBe(0);
    expect(await ask.textContent()).toContain('not an http(s) URL');
    await ask.getByTestId('unlinked-url').click();
    expect(page.url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    await ask.getByTestId('ask-decline').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('action: decline');
  });

  it('a sampling request refused in the page: in the session era the server gets the refusal', async () => {
    const server = await startLegacyAsks();
    suite.track(server);
    const { page } = await suite.open(['--url', server.url]);
    expect(await page.getByTestId('era').textContent()).toBe('session');
    await callTool(page, 'ask_model');
    const ask = page.getByTestId('ask');
    await expect.poll(() => ask.textContent()).toContain('Summarise the weather');
    await ask.getByTestId('ask-decline').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('the server saw the refusal: The client failed sampling/createMessage: the user rejected the sampling request (-1)');
    await expect.poll(() => ask.count()).toBe(0);
    // The refusal went out as a JSON-RPC error response to the server's request.
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-filter').fill('the user rejected');
    await expect.poll(() => page.getByTestId('history-entry').locator('.dir').allTextContents()).toEqual(['→', '←']);
    expect(await page.getByTestId('history-entry').first().textContent()).toContain('error -1');
  });

  it('a sampling request refused in the page: in the stateless era the call ends with the refusal', async () => {
    const { page } = await suite.open(['--', process.execPath, ASKS]);
    expect(await page.getByTestId('era').textContent()).toBe('stateless');
    await callTool(page, 'ask_model');
    const ask = page.getByTestId('ask');
    await expect.poll(() => ask.textContent()).toContain('Summarise the weather');
    await ask.getByTestId('ask-decline').click();
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('-1: the user rejected the sampling request');
    await expect.poll(() => ask.count()).toBe(0);
    // No retry with an answer went to the server: one tools/call, answered input_required.
    await page.getByTestId('tab-history').click();
    await page.getByTestId('history-filter').fill('tools/call');
    expect(await page.getByTestId('history-entry').count()).toBe(1);
  });
});

/** The asks server over HTTP+SSE (session era) on a free port. */
function startLegacyAsks(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [ASKS, '--legacy-sse'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => (child.kill('SIGKILL'), reject(new Error(`no URL from the asks server: ${out}`))), 10_000);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /listening on (\S+)/.exec(out)?.[1];
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
