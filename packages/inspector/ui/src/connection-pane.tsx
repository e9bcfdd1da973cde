/** The connection: status, transport, era and revision, server info, capabilities, instructions, the doctor. */
import type { Api } from './api';
import { Json } from './content-view';
import { OAuthPane } from './oauth-pane';
import { SafeLink } from './safe-url';
import type { ConnectionState, OAuthTrace } from './types';

function ServerInfo({ info }: { info: Record<string, unknown> }) {
  const icons = Array.isArray(info.icons) ? (info.icons as { src?: unknown }[]) : [];
  return (
    <dl class="facts">
      <dt>name</dt>
      <dd>{String(info.name ?? '')}</dd>
      <dt>version</dt>
      <dd>{String(info.version ?? '')}</dd>
      {info.title !== undefined ? (
        <>
          <dt>title</dt>
          <dd>{String(info.title)}</dd>
        </>
      ) : null}
      {info.websiteUrl !== undefined ? (
        <>
          <dt>website</dt>
          <dd data-testid="website-url">
            <SafeLink url={info.websiteUrl} />
          </dd>
        </>
      ) : null}
      {icons.length ? (
        <>
          <dt>icons</dt>
          <dd>
            {icons.map((icon) => (
              <div>
                <SafeLink url={icon.src} />
              </div>
            ))}
          </dd>
        </>
      ) : null}
    </dl>
  );
}

/** The status pill; the page header's one carries the `connection-status` test id (exactly one on the page). */
export function StatusBadge({ state, testid }: { state: ConnectionState | undefined; testid?: string }) {
  const status = state?.status ?? 'idle';
  const text = status === 'connected' ? 'connected' : status === 'connecting' ? 'connecting…' : status === 'failed' ? 'failed' : status === 'closed' ? 'closed' : 'waiting';
  return (
    <span class={`status status-${status}`} data-testid={testid}>
      {text}
    </span>
  );
}

export function ConnectionPane({ state, api, oauth }: { state: ConnectionState | undefined; api: Api; oauth: OAuthTrace | undefined }) {
  if (!state) return <div class="muted">waiting for the inspector…</div>;
  const info = (state.serverInfo ?? undefined) as Record<string, unknown> | undefined;
  return (
    <div class="pane connection-pane">
      <div class="row">
        <h2>Connection</h2>
        <button type="button" data-testid="reconnect" onClick={() => void api.post('/api/connect')}>
          reconnect
        </button>
      </div>
      <dl class="facts">
        <dt>status</dt>
        <dd>
          <StatusBadge state={state} />
        </dd>
        <dt>transport</dt>
        <dd>{state.transport === 'stdio' ? 'stdio' : state.transport === 'http' ? 'Streamable HTTP' : 'HTTP+SSE (legacy)'}</dd>
        <dt>server</dt>
        <dd>
          <code>{state.target}</code>
        </dd>
        {state.era ? (
          <>
            <dt>era</dt>
            <dd data-testid="era">{state.era}</dd>
            <dt>revision</dt>
            <dd data-testid="revision">{state.protocolVersion}</dd>
          </>
        ) : null}
      </dl>
      {state.diagnosis ? (
        <section class="doctor" data-testid="doctor">
          <h3>Connection doctor</h3>
          <p class="error" data-testid="doctor-summary">
            {state.diagnosis.summary}
          </p>
          {state.diagnosis.hint ? <p class="hint">{state.diagnosis.hint}</p> : null}
          <ul class="checks">
            {state.diagnosis.checks.map((c) => (
              <li class={c.ok === true ? 'ok' : c.ok === false ? 'bad' : 'skipped'}>
                <span class="mark">{c.ok === true ? '✓' : c.ok === false ? '✗' : '–'}</span> {c.label}
                {c.detail ? <div class="detail">{c.detail}</div> : null}
              </li>
            ))}
          </ul>
          <div class="muted">cause: {state.diagnosis.cause}</div>
          {state.diagnosis.stderrTail ? (
            <>
              <h4>the end of its stderr</h4>
              <pre class="stderr">{state.diagnosis.stderrTail}</pre>
            </>
          ) : null}
        </section>
      ) : null}
      <OAuthPane api={api} state={state} trace={oauth} />
      {state.drift ? (
        <section class="drift" data-testid="drift">
          <h3>Changes since the last connection</h3>
          {state.drift.length === 0 ? (
            <p class="muted">none: capabilities, server info, instructions and tool definitions are as they were</p>
          ) : (
            <table>
              <tbody>
                {state.drift.map((d) => (
                  <tr data-testid="drift-entry">
                    <td>
                      <code>{d.pointer}</code>
                    </td>
                    <td class="before">{d.before === undefined ? '(absent)' : JSON.stringify(d.before)}</td>
                    <td>→</td>
                    <td class="after">{d.after === undefined ? '(removed)' : JSON.stringify(d.after)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      ) : null}
      {info ? (
        <section>
          <h3>Server info</h3>
          <ServerInfo info={info} />
        </section>
      ) : null}
      {state.instructions ? (
        <section>
          <h3>Instructions</h3>
          <pre class="text" data-testid="instructions">
            {state.instructions}
          </pre>
        </section>
      ) : null}
      {state.capabilities ? (
        <section>
          <h3>Capabilities</h3>
          <Json value={state.capabilities} />
        </section>
      ) : null}
    </div>
  );
}
