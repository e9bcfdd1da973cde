/** Tools: the list, a form from the selected tool's input schema, the call, its progress and its result. */
import { useState } from 'preact/hooks';
import type { Api, ApiError } from './api';
import { Contents, Json } from './content-view';
import type { Progress } from './model';
import { type Schema, initialValue, validate } from './schema';
import { SchemaForm } from './schema-form';
import type { Json as JsonValue, Tool } from './types';
import { CollectionList, type SavedRequest, useCollection } from './collection';
import { useList } from './use-list';

interface CallResult {
  content?: unknown;
  structuredContent?: unknown;
  isError?: boolean;
}

function ProgressBar({ p }: { p: Progress | undefined }) {
  if (!p) return null;
  const pct = p.total ? Math.min(100, Math.round((p.progress / p.total) * 100)) : undefined;
  return (
    <div class="progress" data-testid="tool-progress">
      <progress max={100} value={pct} />
      <span>
        {p.progress}
        {p.total === undefined ? '' : ` / ${p.total}`} {p.message ?? ''}
      </span>
    </div>
  );
}

function ResultView({ tool, result, onRead }: { tool: Tool; result: CallResult; onRead: (uri: string) => void }) {
  const outputProblems = tool.outputSchema && result.structuredContent !== undefined ? validate(tool.outputSchema, result.structuredContent as JsonValue, tool.outputSchema) : [];
  return (
    <div class={result.isError ? 'result is-error' : 'result'}>
      {result.isError ? <div class="error">the tool reported an error (isError)</div> : null}
      <Contents content={result.content} onRead={onRead} />
      {result.structuredContent !== undefined ? (
        <section>
          <h4>
            structuredContent{' '}
            {tool.outputSchema ? outputProblems.length ? <span class="badge bad">does not match outputSchema</span> : <span class="badge ok">matches outputSchema</span> : null}
          </h4>
          <Json value={result.structuredContent} />
          {outputProblems.length ? (
            <ul class="problems">
              {outputProblems.map((p) => (
                <li>{p}</li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}
    </div>
  );
}

function ToolDetail({ api, tool, progress, onRead, initial, onSave }: {
  api: Api;
  tool: Tool;
  progress: Record<string, Progress>;
  onRead: (uri: string) => void;
  initial?: JsonValue | undefined;
  onSave: (name: string, args: JsonValue) => void;
}) {
  const schema = (tool.inputSchema ?? { type: 'object' }) as Schema;
  const [value, setValue] = useState<JsonValue | undefined>(() => initial ?? initialValue(schema, schema) ?? {});
  const [saveName, setSaveName] = useState('');
  const [rawError, setRawError] = useState<string>();
  const [problems, setProblems] = useState<string[]>([]);
  const [callId, setCallId] = useState<string>();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<CallResult>();
  const [error, setError] = useState<ApiError>();
  const call = async () => {
    const found = rawError ? [rawError] : validate(schema, value ?? {}, schema);
    setProblems(found);
    if (found.length) return;
    const id = crypto.randomUUID();
    setCallId(id);
    setRunning(true);
    setResult(undefined);
    setError(undefined);
    const outcome = await api.post<CallResult>('/api/tools/call', { name: tool.name, arguments: value ?? {}, callId: id });
    setRunning(false);
    if (outcome.ok) setResult(outcome.result);
    else setError(outcome.error);
  };
  return (
    <div class="tool-detail">
      <h3>{tool.title ? `${tool.title} (${tool.name})` : tool.name}</h3>
      {tool.description ? <p class="description">{tool.description}</p> : null}
      {tool.annotations ? (
        <div class="annotations">
          {Object.entries(tool.annotations).map(([k, v]) => (
            <span class="badge">
              {k}: {JSON.stringify(v)}
            </span>
          ))}
        </div>
      ) : null}
      <SchemaForm schema={schema} value={value} onChange={setValue} onRawError={setRawError} testid="tool-form" />
      {problems.length ? (
        <ul class="problems" data-testid="tool-problems">
          {problems.map((p) => (
            <li>{p}</li>
          ))}
        </ul>
      ) : null}
      <div class="row">
        <button type="button" class="primary" data-testid="tool-call" disabled={running} onClick={() => void call()}>
          {running ? 'calling…' : `call ${tool.name}`}
        </button>
        <input type="text" class="save-name" data-testid="save-name" placeholder="name this request" value={saveName} onInput={(e) => setSaveName((e.target as HTMLInputElement).value)} />
        <button type="button" data-testid="save-request" disabled={!saveName.trim()} onClick={() => onSave(saveName.trim(), value ?? {})}>
          save
        </button>
        {running && callId ? (
          <button type="button" data-testid="tool-cancel" onClick={() => void api.post(`/api/calls/${callId}/cancel`)}>
            cancel
          </button>
        ) : null}
      </div>
      {callId ? <ProgressBar p={progress[callId]} /> : null}
      <div data-testid="tool-result" class="tool-result">
        {result ? <ResultView tool={tool} result={result} onRead={onRead} /> : null}
        {error ? (
          <div class="error">
            {error.code !== undefined ? `error ${error.code}: ` : ''}
            {error.message}
            {error.data !== undefined ? <Json value={error.data} /> : null}
          </div>
        ) : null}
      </div>
    </div>
  );
}

export function ToolsPane({ api, version, connected, progress, onRead, server }: { api: Api; version: number; connected: boolean; progress: Record<string, Progress>; onRead: (uri: string) => void; server: string }) {
  const { items, error } = useList<Tool>(api, '/api/tools', version, connected);
  const [selected, setSelected] = useState<string>();
  // A picked saved request remounts the form with its arguments.
  const [picked, setPicked] = useState<{ request: SavedRequest; seq: number }>();
  const collection = useCollection(server);
  const tool = items.find((t) => t.name === selected);
  const initial = picked && picked.request.tool === selected ? picked.request.arguments : undefined;
  return (
    <div class="pane split">
      <div class="list">
      <CollectionList
        collection={collection}
        onPick={(request) => {
          setSelected(request.tool);
          setPicked({ request, seq: (picked?.seq ?? 0) + 1 });
        }}
      />
      <ul data-testid="tool-list">
        {error ? <li class="error">{error.message}</li> : null}
        {items.map((t) => (
          <li class={t.name === selected ? 'selected' : ''}>
            <button
              type="button"
              data-testid="tool-item"
              class="item"
              onClick={() => {
                setSelected(t.name);
                setPicked(undefined);
              }}
            >
              {t.name}
            </button>
            {t.description ? <div class="description">{t.description}</div> : null}
          </li>
        ))}
        {connected && !error && items.length === 0 ? <li class="muted">no tools</li> : null}
      </ul>
      </div>
      <div class="detail">
        {tool ? (
          <ToolDetail
            key={`${tool.name}:${initial ? picked?.seq : 0}`}
            api={api}
            tool={tool}
            progress={progress}
            onRead={onRead}
            initial={initial}
            onSave={(name, args) => collection.save({ name, tool: tool.name, arguments: args })}
          />
        ) : (
          <div class="muted">pick a tool</div>
        )}
      </div>
    </div>
  );
}
