/** The server's questions, answered by hand: elicitation (form and URL mode), sampling, roots. */
import { useState } from 'preact/hooks';
import type { Api } from './api';
import { ContentBlock, Json } from './content-view';
import { SafeLink, httpUrl } from './safe-url';
import { type Schema, initialValue, validate } from './schema';
import { SchemaForm } from './schema-form';
import type { Json as JsonValue, PendingAsk } from './types';

type Params = Record<string, unknown>;

function Elicitation({ api, ask }: { api: Api; ask: PendingAsk }) {
  const p = (ask.params ?? {}) as Params;
  const schema = (p.requestedSchema ?? { type: 'object', properties: {} }) as Schema;
  const [value, setValue] = useState<JsonValue | undefined>(() => initialValue(schema, schema) ?? {});
  const [problems, setProblems] = useState<string[]>([]);
  const answer = (action: 'accept' | 'decline' | 'cancel') => {
    if (action === 'accept' && p.mode !== 'url') {
      const found = validate(schema, value ?? {}, schema);
      setProblems(found);
      if (found.length) return;
      return void api.post(`/api/asks/${ask.id}`, { answer: { action, content: value ?? {} } });
    }
    void api.post(`/api/asks/${ask.id}`, { answer: { action } });
  };
  return (
    <div>
      <div class="badge">elicitation{p.mode === 'url' ? ' (URL)' : ''}</div>
      <p class="ask-message">{String(p.message ?? '')}</p>
      {p.mode === 'url' ? (
        <div>
          <p>
            the server asks you to open: <SafeLink url={p.url} />
          </p>
          {/* The host on its own line: a URL can be made to look like another site's (user@host, long paths). */}
          {httpUrl(p.url) ? (
            <p class="muted" data-testid="elicitation-url-host">
              a page on <strong>{new URL(httpUrl(p.url)!).host}</strong>; accepting tells the server you will open it, the inspector does not open it for you
            </p>
          ) : (
            <p class="error">not an http(s) URL: it is shown as text only</p>
          )}
        </div>
      ) : (
        <SchemaForm schema={schema} value={value} onChange={setValue} testid="elicitation-form" />
      )}
      {problems.length ? (
        <ul class="problems">
          {problems.map((x) => (
            <li>{x}</li>
          ))}
        </ul>
      ) : null}
      <div class="row">
        <button type="button" class="primary" data-testid="ask-accept" onClick={() => answer('accept')}>
          accept
        </button>
        <button type="button" data-testid="ask-decline" onClick={() => answer('decline')}>
          decline
        </button>
        <button type="button" onClick={() => answer('cancel')}>
          cancel
        </button>
      </div>
    </div>
  );
}

function Sampling({ api, ask }: { api: Api; ask: PendingAsk }) {
  const p = (ask.params ?? {}) as Params;
  const [text, setText] = useState('');
  const [model, setModel] = useState('human-in-the-inspector');
  const messages = Array.isArray(p.messages) ? (p.messages as { role?: string; content?: unknown }[]) : [];
  return (
    <div>
      <div class="badge">sampling</div>
      {typeof p.systemPrompt === 'string' ? <pre class="text">{p.systemPrompt}</pre> : null}
      {messages.map((m) => (
        <div class="message">
          <span class="badge">{String(m.role)}</span>
          {Array.isArray(m.content) ? m.content.map((c) => <ContentBlock block={(c ?? {}) as Params} />) : <ContentBlock block={(m.content ?? {}) as Params} />}
        </div>
      ))}
      <div class="muted">maxTokens {String(p.maxTokens)}</div>
      <label class="field">
        <span class="name">your reply, as the model</span>
        <textarea data-testid="sampling-reply" rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      </label>
      <label class="field">
        <span class="name">model name</span>
        <input type="text" value={model} onInput={(e) => setModel((e.target as HTMLInputElement).value)} />
      </label>
      <div class="row">
        <button type="button" class="primary" data-testid="ask-accept" onClick={() => void api.post(`/api/asks/${ask.id}`, { answer: { role: 'assistant', content: { type: 'text', text }, model, stopReason: 'endTurn' } })}>
          send reply
        </button>
        <button type="button" data-testid="ask-decline" onClick={() => void api.post(`/api/asks/${ask.id}`, { refuse: 'the user rejected the sampling request' })}>
          reject
        </button>
      </div>
    </div>
  );
}

function Roots({ api, ask }: { api: Api; ask: PendingAsk }) {
  const [text, setText] = useState('');
  const roots = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((uri) => ({ uri }));
  const bad = roots.filter((r) => !r.uri.startsWith('file://'));
  return (
    <div>
      <div class="badge">roots/list</div>
      <p>The server asks for the roots it may work in: one file:// URI a line.</p>
      <textarea data-testid="roots-input" rows={3} value={text} placeholder="file:///home/me/project" onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      {bad.length ? <div class="error">roots must be file:// URIs</div> : null}
      <div class="row">
        <button type="button" class="primary" data-testid="ask-accept" disabled={bad.length > 0} onClick={() => void api.post(`/api/asks/${ask.id}`, { answer: { roots } })}>
          send roots
        </button>
        <button type="button" data-testid="ask-decline" onClick={() => void api.post(`/api/asks/${ask.id}`, { refuse: 'the user refused to list roots' })}>
          refuse
        </button>
      </div>
    </div>
  );
}

export function AsksPane({ api, asks }: { api: Api; asks: PendingAsk[] }) {
  if (asks.length === 0) return null;
  return (
    <section class="asks" data-testid="asks">
      <h2>The server asks ({asks.length})</h2>
      {asks.map((ask) => (
        <div class="ask" data-testid="ask" key={ask.id}>
          {ask.method === 'elicitation/create' ? <Elicitation api={api} ask={ask} /> : ask.method === 'sampling/createMessage' ? <Sampling api={api} ask={ask} /> : ask.method === 'roots/list' ? <Roots api={api} ask={ask} /> : <Json value={ask} />}
        </div>
      ))}
    </section>
  );
}
