// OAuth sign-in through the inspector's API (issue 12), without a browser: the test plays the page (the API and
// its state) and the user's browser (fetch, following the authorization server's redirect back to the
// inspector's callback). A forged callback while a sign-in waits is refused and leaves it waiting; a cancelled
// sign-in fails with a trace that says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InspectProcess, startInspect, waitFor } from '../test-support/inspect-process.js';
import { type ProtectedMcp, startProtectedMcp } from '../test-support/oauth-servers.js';

interface Trace {
  status: string;
  steps: { id: string; label: string; status: number | string; url: string }[];
  error?: string;
}

describe('OAuth sign-in through the inspector API (issue 12)', () => {
  let server: ProtectedMcp;
  let inspect: InspectProcess;
  const headers = () => ({ Authorization: `Bearer ${inspect.token}`, 'Content-Type': 'application/json' });
  const state = async () => (await (await fetch(`${inspect.origin}/api/state`, { headers: headers() })).json()) as { state: { status: string; diagnosis?: { cause: string } }; oauth: Trace | null };
  const waitingUrl = () =>
    waitFor('the authorization step', async () => {
      const { oauth } = await state();
      return oauth?.steps.find((s) => s.id.startsWith('authorization') && s.status === 'waiting')?.url;
    });

  beforeAll(async () => {
    server = await startProtectedMcp();
    inspect = await startInspect(['--url', server.url]);
    await waitFor('the 401', async () => ((await state()).state.status === 'failed' ? true : undefined));
  });
  afterAll(async () => {
    await inspect?.stop();
    await server?.close();
  });

  it('says there is nothing to sign in to when the server asks for no credentials', async () => {
    const open = await startProtectedMcp({}, { open: true });
    const other = await startInspect(['--url', open.url]);
    try {
      const auth = { Authorization: `Bearer ${other.token}`, 'Content-Type': 'application/json' };
      await waitFor('connected', async () => ((await (await fetch(`${other.origin}/api/state`, { headers: auth })).json()) as { state: { status: string } }).state.status === 'connected' || undefined);
      await fetch(`${other.origin}/api/oauth/sign-in`, { method: 'POST', headers: auth, body: '{}' });
      const trace = await waitFor('the end of the sign-in', async () => {
        const { oauth } = (await (await fetch(`${other.origin}/api/state`, { headers: auth })).json()) as { oauth: Trace | null };
        return oauth?.status === 'running' ? undefined : (oauth ?? undefined);
      });
      expect(trace).toMatchObject({ status: 'failed', error: expect.stringContaining('did not ask for credentials') });
      expect(trace.steps.map((s) => `${s.label} ${s.status}`)).toEqual(expect.arrayContaining(['MCP request 200']));
      expect(trace.steps.some((s) => s.label !== 'MCP request')).toBe(false);
    } finally {
      await other.stop();
      await open.close();
    }
  });

  it('cancels a sign-in that waits for the browser', async () => {
    expect((await state()).state.diagnosis?.cause).toBe('auth-required');
    expect((await fetch(`${inspect.origin}/api/oauth/sign-in`, { method: 'POST', headers: headers(), body: '{}' })).status).toBe(202);
    await waitingUrl();
    expect(await (await fetch(`${inspect.origin}/api/oauth/cancel`, { method: 'POST', headers: headers(), body: '{}' })).json()).toEqual({ cancelled: true });
    const trace = await waitFor('the failed trace', async () => {
      const { oauth } = await state();
      return oauth?.status === 'failed' ? oauth : undefined;
    });
    expect(trace.error).toMatch(/cancelled in the inspector/);
    expect((await state()).state.status).toBe('failed');
  });

  it('refuses a forged callback while waiting, then signs in with the real one', async () => {
    await fetch(`${inspect.origin}/api/oauth/sign-in`, { method: 'POST', headers: headers(), body: '{}' });
    const authorize = new URL(await waitingUrl());
    // Someone else's link to the callback: the wrong state is not taken, and the sign-in keeps waiting.
    const forged = await fetch(`${inspect.origin}/oauth/callback?code=code-evil&state=not-${authorize.searchParams.get('state')}`);
    expect(forged.status).toBe(400);
    expect((await state()).oauth?.status).toBe('running');

    // The user's browser: the authorization server redirects back to the inspector.
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const callback = new URL(redirect.headers.get('location')!);
    expect(callback.origin).toBe(inspect.origin);
    const landed = await fetch(callback);
    expect(landed.status).toBe(200);
    expect(await landed.text()).toContain('Signed in');
    // The same callback again is not taken twice.
    expect((await fetch(callback)).status).toBe(400);

    const trace = await waitFor('signed in', async () => {
      const { oauth } = await state();
      return oauth?.status === 'signed-in' || oauth?.status === 'failed' ? oauth : undefined;
    });
    expect(trace.status).toBe('signed-in');
    // Then the retried request and the rest of the handshake (at most a few MCP requests are recorded).
    expect(trace.steps.map((s) => `${s.label} ${s.status}`).slice(0, 7)).toEqual([
      'MCP request 401',
      'protected resource metadata 200',
      'authorization server metadata 200',
      'client registration 201',
      'authorization (in your browser) redirected back',
      'token exchange 200',
      'MCP request 200',
    ]);
    expect((await state()).state.status).toBe('connected');
    const call = (await (await fetch(`${inspect.origin}/api/tools/call`, { method: 'POST', headers: headers(), body: JSON.stringify({ name: 'whoami', arguments: {} }) })).json()) as { result: { content: { text: string }[] } };
    expect(call.result.content[0]?.text).toBe('a signed-in user');
    // A reconnect keeps the tokens (in the inspector process) and needs no new sign-in.
    const reconnected = (await (await fetch(`${inspect.origin}/api/connect`, { method: 'POST', headers: headers(), body: '{}' })).json()) as { state: { status: string } };
    expect(reconnected.state.status).toBe('connected');
    for (const token of server.as.tokens.keys()) expect(JSON.stringify(await state()) + inspect.stdout() + inspect.stderr()).not.toContain(token);
  });
});
