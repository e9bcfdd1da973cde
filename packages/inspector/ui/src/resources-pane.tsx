/** Resources and resource templates: list, fill a template (with completion), read. */
import { useEffect, useState } from 'preact/hooks';
import type { Api, ApiError } from './api';
import { CompletionInput } from './completion-input';
import { ResourceContents } from './content-view';
import type { Resource, ResourceTemplate } from './types';
import { useList } from './use-list';

function variablesOf(template: string): string[] {
  return [...template.matchAll(/\{[+#./;?&]?([\w,]+)\*?\}/g)].flatMap((m) => m[1]!.split(','));
}

/** Level-1 expansion (and the simple operators as plain joins): enough for the templates servers publish. */
function expand(template: string, values: Record<string, string>): string {
  return template.replace(/\{([+#./;?&]?)([\w,]+)\*?\}/g, (_m, op: string, names: string) => {
    const parts = names.split(',').map((n) => (op === '+' || op === '#' ? encodeURI(values[n] ?? '') : encodeURIComponent(values[n] ?? '')));
    if (op === '?') return `?${names.split(',').map((n, i) => `${n}=${parts[i]}`).join('&')}`;
    return (op === '+' ? '' : op) + parts.join(',');
  });
}

function TemplateForm({ api, template, onRead }: { api: Api; template: ResourceTemplate; onRead: (uri: string) => void }) {
  const [values, setValues] = useState<Record<string, string>>({});
  const vars = variablesOf(template.uriTemplate);
  return (
    <div class="template-form">
      {vars.map((v) => (
        <label class="field">
          <span class="name">{v}</span>
          <CompletionInput api={api} refValue={{ type: 'ref/resource', uri: template.uriTemplate }} name={v} value={values[v] ?? ''} context={values} testid={`template-${v}`} onInput={(x) => setValues({ ...values, [v]: x })} />
        </label>
      ))}
      <button type="button" class="small" onClick={() => onRead(expand(template.uriTemplate, values))}>
        read {expand(template.uriTemplate, values)}
      </button>
    </div>
  );
}

export function ResourcesPane({ api, version, connected, requested, updates }: { api: Api; version: number; connected: boolean; requested: { uri: string } | undefined; updates: Record<string, number> }) {
  const resources = useList<Resource>(api, '/api/resources', version, connected);
  const templates = useList<ResourceTemplate>(api, '/api/templates', version, connected);
  const [uri, setUri] = useState<string>();
  const [contents, setContents] = useState<unknown[]>();
  const [error, setError] = useState<ApiError>();
  const [subscribed, setSubscribed] = useState<Set<string>>(new Set());
  const [subError, setSubError] = useState<string>();
  const toggleSubscription = async (u: string) => {
    const on = !subscribed.has(u);
    const o = await api.post(on ? '/api/resources/subscribe' : '/api/resources/unsubscribe', { uri: u });
    if (!o.ok) return setSubError(o.error.message);
    setSubError(undefined);
    const next = new Set(subscribed);
    if (on) next.add(u);
    else next.delete(u);
    setSubscribed(next);
  };
  const updateCount = uri ? (updates[uri] ?? 0) : 0;
  const read = async (u: string) => {
    setUri(u);
    setContents(undefined);
    setError(undefined);
    const o = await api.post<{ contents?: unknown[] }>('/api/resources/read', { uri: u });
    if (o.ok) setContents(Array.isArray(o.result.contents) ? o.result.contents : []);
    else setError(o.error);
  };
  useEffect(() => {
    if (requested && connected) void read(requested.uri);
  }, [requested, connected]);
  // A subscribed resource the server says changed is read again.
  useEffect(() => {
    if (uri && updateCount > 0 && subscribed.has(uri)) void read(uri);
  }, [updateCount]);
  return (
    <div class="pane split">
      <div class="list">
        <h3>Resources</h3>
        <ul>
          {resources.error ? <li class="error">{resources.error.message}</li> : null}
          {resources.items.map((r) => (
            <li class={r.uri === uri ? 'selected' : ''}>
              <button type="button" class="item" data-testid="resource-item" onClick={() => void read(r.uri)}>
                {r.name ?? r.uri}
              </button>
              <div class="description">
                <code>{r.uri}</code> {r.mimeType ? <span class="badge">{r.mimeType}</span> : null}
              </div>
            </li>
          ))}
        </ul>
        <h3>Templates</h3>
        <ul>
          {templates.error ? <li class="error">{templates.error.message}</li> : null}
          {templates.items.map((t) => (
            <li>
              <div>
                <b>{t.name ?? t.uriTemplate}</b> <code>{t.uriTemplate}</code>
              </div>
              {t.description ? <div class="description">{t.description}</div> : null}
              <TemplateForm api={api} template={t} onRead={(u) => void read(u)} />
            </li>
          ))}
        </ul>
      </div>
      <div class="detail" data-testid="resource-contents">
        {uri ? (
          <div class="row">
            <h3>
              <code>{uri}</code>
            </h3>
            <button type="button" class="small" data-testid="resource-subscribe" onClick={() => void toggleSubscription(uri)}>
              {subscribed.has(uri) ? 'unsubscribe' : 'subscribe'}
            </button>
            {updateCount ? <span class="badge" data-testid="resource-updates">updated {updateCount}×</span> : null}
            {subError ? <span class="error">{subError}</span> : null}
          </div>
        ) : (
          <div class="muted">pick a resource</div>
        )}
        {error ? <div class="error">{error.message}</div> : null}
        {contents?.map((c) => (
          <ResourceContents contents={(c ?? {}) as Record<string, unknown>} />
        ))}
      </div>
    </div>
  );
}
