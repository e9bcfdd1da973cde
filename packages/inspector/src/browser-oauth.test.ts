// OAuth sign-in inside the inspector's page (issue 12), in headless Chromium: `mcpkit inspect --url` on an MCP
// server that answers 401, against the client's stand-in authorization server on loopback. The page shows each
// step with its HTTP status and URL as text; the authorization opens in a new tab and comes back to the
// inspector's own callback; the tokens never reach the page or the inspector's output.
import { describe, expect, it } from 'vitest';
import { browserSuite, callTool, haveChromium } from '../test-support/chromium.js';
import { startProtectedMcp } from '../test-support/oauth-servers.js';

describe.skipIf(!haveChromium)('OAuth sign-in in the inspector (issue 12)', { timeout: 60_000 }, () => {
  const suite = browserSuite();

  it('signs in step by step: 401, discovery, registration, authorization in a new tab, token exchange, retry', async () => {
    const server = await startProtectedMcp();
    suite.track({ stop: () => server.close() });
    const { page, inspect } = await suite.open(['--url', server.url], { connected: false });
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toContain('failed');
    expect(await page.getByTestId('doctor').textContent()).toContain('auth-required');

    await page.getByTestId('oauth-sign-in').click();
    const authorize = page.getByTestId('oauth-authorize');
    await authorize.waitFor();
    const steps = page.getByTestId('oauth-step');
    const rows = async () => (await steps.evaluateAll((els) => els.map((el) => [el.getAttribute('data-label'), el.querySelector('[data-testid="oauth-step-status"]')?.textContent, el.querySelector('[data-testid="oauth-step-url"]')?.textContent])));
    const asOrigin = server.as.origin;
    expect(await rows()).toEqual([
      ['MCP request', '401', server.url],
      ['protected resource metadata', '200', `${new URL(server.url).origin}/.well-known/oauth-protected-resource/mcp`],
      ['authorization server metadata', '200', `${asOrigin}/.well-known/oauth-authorization-server`],
      ['client registration', '201', `${asOrigin}/register`],
      ['authorization (in your browser)', 'waiting', expect.stringMatching(new RegExp(`^${asOrigin}/authorize\\?response_type=code&client_id=dcr-`))],
    ]);
    const authorizeUrl = new URL((await steps.last().getByTestId('oauth-step-url').textContent())!);
    expect(authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorizeUrl.searchParams.get('redirect_uri')).toBe(`${inspect.origin}/oauth/callback`);
    expect(authorizeUrl.searchParams.get('resource')).toBe(server.url);
    await suite.shot(page, 'oauth');

    // The user opens the link: a new tab, the authorization server, then back to the inspector.
    const [tab] = await Promise.all([suite.context().waitForEvent('page'), authorize.getByRole('link').click()]);
    await tab.waitForURL(/\/oauth\/callback\?/);
    expect(await tab.locator('h1').textContent()).toBe('Signed in');
    await tab.close();

    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toContain('connected');
    expect(await page.getByTestId('oauth-status').textContent()).toBe('signed in');
    const done = await rows();
    expect(done[4]).toEqual(['authorization (in your browser)', 'redirected back', expect.stringContaining('/authorize?')]);
    expect(done[5]).toEqual(['token exchange', '200', `${asOrigin}/token`]);
    expect(done[6]).toEqual(['MCP request', '200', server.url]);
    // The code the browser brought back is not shown.
    expect(await page.getByTestId('oauth').textContent()).toContain('code=(hidden)');
    await suite.shot(page, 'oauth-signed-in');

    await callTool(page, 'whoami');
    await expect.poll(() => page.getByTestId('tool-result').textContent()).toContain('a signed-in user');
    expect(server.admitted.length).toBeGreaterThan(1);

    // No token in the page (its DOM, its storage), the inspector's API or its output.
    const tokens = [...server.as.tokens.keys()];
    expect(tokens.length).toBeGreaterThan(0);
    await page.getByTestId('tab-history').click();
    const seen = [
      await page.content(),
      await page.evaluate(() => JSON.stringify({ ...sessionStorage, ...localStorage })),
      await (await fetch(`${inspect.origin}/api/state`, { headers: { Authorization: `Bearer ${inspect.token}` } })).text(),
      inspect.stdout(),
      inspect.stderr(),
    ].join('\n');
    for (const token of tokens) expect(seen).not.toContain(token);
    expect(seen).not.toMatch(/\brt-\d+/);
  });

  it('refuses an authorization endpoint that is not http(s): no link, no tab, the trace says why', async () => {
    const server = await startProtectedMcp({ extra: { authorization_endpoint: 'javascript:window.__pwned=1' } });
    suite.track({ stop: () => server.close() });
    const { page } = await suite.open(['--url', server.url], { connected: false });
    await expect.poll(() => page.getByTestId('connection-status').textContent(), { timeout: 15_000 }).toContain('failed');
    await page.getByTestId('oauth-sign-in').click();
    await expect.poll(() => page.getByTestId('oauth-status').textContent()).toBe('sign-in failed');
    expect(await page.getByTestId('oauth-error').textContent()).toContain('must be an http(s) URL, got javascript:');
    expect(await page.getByTestId('oauth-authorize').count()).toBe(0);
    expect(await page.locator('a[href^="javascript:"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
  });
});
