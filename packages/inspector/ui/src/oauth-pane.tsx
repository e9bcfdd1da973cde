/**
 * OAuth sign-in for a --url server, step by step: each request the client made (what it was for, method, URL as
 * text, HTTP status), and the authorization URL to open in a new tab, a link only when it is http(s).
 */
import type { Api } from './api';
import { SafeLink } from './safe-url';
import type { ConnectionState, OAuthTrace } from './types';

const STATUS_TEXT: Record<OAuthTrace['status'], string> = { running: 'signing in…', 'signed-in': 'signed in', failed: 'sign-in failed' };

function statusClass(status: number | string): string {
  if (typeof status !== 'number') return status === 'waiting' || status === 'sent' ? 'pending' : status === 'redirected back' ? 'ok' : 'bad';
  return status < 300 ? 'ok' : status < 400 ? 'pending' : 'bad';
}

export function OAuthPane({ api, state, trace }: { api: Api; state: ConnectionState; trace: OAuthTrace | undefined }) {
  if (state.transport === 'stdio') return null;
  const wanted = state.diagnosis?.cause === 'auth-required';
  const running = trace?.status === 'running';
  return (
    <section class="oauth" data-testid="oauth">
      <div class="row">
        <h3>OAuth sign-in</h3>
        <button type="button" class={wanted && !running ? 'primary' : ''} data-testid="oauth-sign-in" disabled={running} onClick={() => void api.post('/api/oauth/sign-in')}>
          {trace?.status === 'signed-in' ? 'sign in again' : 'sign in'}
        </button>
        {running ? (
          <button type="button" data-testid="oauth-cancel" onClick={() => void api.post('/api/oauth/cancel')}>
            cancel
          </button>
        ) : null}
        {trace ? (
          <span class={`status oauth-${trace.status}`} data-testid="oauth-status">
            {STATUS_TEXT[trace.status]}
          </span>
        ) : null}
      </div>
      {!trace ? (
        <p class="muted">
          {wanted ? 'The server wants credentials. ' : ''}Sign in runs OAuth against this server: discovery, client registration, authorization in a new tab (it
          comes back to this inspector), token exchange, and the retried request. Tokens stay in the inspector process, never in this page.
        </p>
      ) : null}
      {trace?.steps.length ? (
        <ol class="oauth-steps">
          {trace.steps.map((step) => (
            <li data-testid="oauth-step" data-label={step.label} key={step.id}>
              <span class={`http-status ${statusClass(step.status)}`} data-testid="oauth-step-status">
                {String(step.status)}
              </span>{' '}
              <strong>{step.label}</strong> <span class="method">{step.method}</span>{' '}
              {step.id.startsWith('authorization') && step.status === 'waiting' ? (
                // The one link on the pane: the URL is its text, and it is a link only when it is http(s).
                <span class="authorize" data-testid="oauth-authorize">
                  <span data-testid="oauth-step-url">
                    <SafeLink url={step.url} />
                  </span>
                  <div class="muted">open it to sign in (a new tab); the authorization server sends you back to this inspector</div>
                </span>
              ) : (
                <code class="url" data-testid="oauth-step-url">
                  {step.url}
                </code>
              )}
              {step.detail ? <div class="detail">{step.detail}</div> : null}
            </li>
          ))}
        </ol>
      ) : null}
      {trace?.error ? (
        <p class="error" data-testid="oauth-error">
          {trace.error}
        </p>
      ) : null}
    </section>
  );
}
