/** Prompts: list, fill the arguments (with completion), get the messages. */
import { useState } from 'preact/hooks';
import type { Api, ApiError } from './api';
import { CompletionInput } from './completion-input';
import { ContentBlock } from './content-view';
import type { Prompt } from './types';
import { useList } from './use-list';

interface PromptMessage {
  role?: string;
  content?: unknown;
}

function PromptDetail({ api, prompt }: { api: Api; prompt: Prompt }) {
  const [args, setArgs] = useState<Record<string, string>>({});
  const [messages, setMessages] = useState<PromptMessage[]>();
  const [error, setError] = useState<ApiError>();
  const missing = (prompt.arguments ?? []).filter((a) => a.required && !args[a.name]).map((a) => a.name);
  const get = async () => {
    setError(undefined);
    const o = await api.post<{ messages?: PromptMessage[] }>('/api/prompts/get', { name: prompt.name, arguments: args });
    if (o.ok) setMessages(o.result.messages ?? []);
    else setError(o.error);
  };
  return (
    <div>
      <h3>{prompt.title ? `${prompt.title} (${prompt.name})` : prompt.name}</h3>
      {prompt.description ? <p class="description">{prompt.description}</p> : null}
      {(prompt.arguments ?? []).map((a) => (
        <label class="field">
          <span class="name">{a.name}</span>
          {a.required ? <span class="required">*</span> : null}
          {a.description ? <div class="description">{a.description}</div> : null}
          <CompletionInput api={api} refValue={{ type: 'ref/prompt', name: prompt.name }} name={a.name} value={args[a.name] ?? ''} context={args} testid={`prompt-arg-${a.name}`} onInput={(v) => setArgs({ ...args, [a.name]: v })} />
        </label>
      ))}
      {missing.length ? <div class="muted">required: {missing.join(', ')}</div> : null}
      <button type="button" class="primary" data-testid="prompt-get" disabled={missing.length > 0} onClick={() => void get()}>
        get {prompt.name}
      </button>
      <div data-testid="prompt-result">
        {error ? <div class="error">{error.message}</div> : null}
        {messages?.map((m) => (
          <div class="message">
            <span class="badge">{String(m.role)}</span>
            <ContentBlock block={(m.content ?? {}) as Record<string, unknown>} />
          </div>
        ))}
      </div>
    </div>
  );
}

export function PromptsPane({ api, version, connected }: { api: Api; version: number; connected: boolean }) {
  const { items, error } = useList<Prompt>(api, '/api/prompts', version, connected);
  const [selected, setSelected] = useState<string>();
  const prompt = items.find((p) => p.name === selected);
  return (
    <div class="pane split">
      <ul class="list">
        {error ? <li class="error">{error.message}</li> : null}
        {items.map((p) => (
          <li class={p.name === selected ? 'selected' : ''}>
            <button type="button" class="item" data-testid="prompt-item" onClick={() => setSelected(p.name)}>
              {p.name}
            </button>
            {p.description ? <div class="description">{p.description}</div> : null}
          </li>
        ))}
      </ul>
      <div class="detail">{prompt ? <PromptDetail key={prompt.name} api={api} prompt={prompt} /> : <div class="muted">pick a prompt</div>}</div>
    </div>
  );
}
