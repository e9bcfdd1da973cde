/** The inspector's page: the connection status, the panes, and the server's open questions. */
import { render } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, takeToken } from './api';
import { AsksPane } from './asks-pane';
import { ConnectionPane, StatusBadge } from './connection-pane';
import { HistoryPane } from './history-pane';
import { LogsPane } from './logs-pane';
import { GatewayPane } from './gateway-pane';
import { EMPTY, type Model, apply } from './model';
import { PromptsPane } from './prompts-pane';
import { ResourcesPane } from './resources-pane';
import { ToolsPane } from './tools-pane';
import type { StampedEvent } from './types';
import './styles.css';

const TABS = ['connection', 'tools', 'resources', 'prompts', 'history', 'logs', 'gateway'] as const;
type Tab = (typeof TABS)[number];

function App({ api }: { api: Api }) {
  const [model, setModel] = useState<Model>(EMPTY);
  const [linked, setLinked] = useState(true);
  const [tab, setTab] = useState<Tab>('connection');
  const [requested, setRequested] = useState<{ uri: string }>();
  // The gateway tab exists when the inspector was started with a gateway admin key.
  const [gateway, setGateway] = useState<string>();
  useEffect(() => {
    void api.get<{ enabled: boolean; origin?: string }>('/api/gateway').then((o) => o.ok && o.result.enabled && setGateway(o.result.origin ?? ''));
  }, [api]);
  const queue = useRef<StampedEvent[]>([]);
  useEffect(() => {
    const stop = new AbortController();
    let frame = 0;
    const flush = () => {
      frame = 0;
      const batch = queue.current;
      queue.current = [];
      setModel((m) => apply(m, batch));
    };
    void api.follow(
      (e) => {
        queue.current.push(e);
        frame ||= requestAnimationFrame(flush);
      },
      setLinked,
      stop.signal,
    );
    return () => stop.abort();
  }, [api]);
  const connected = model.state?.status === 'connected';
  const counts: Partial<Record<Tab, number>> = { history: model.history.length, logs: model.logs.length };
  const info = (model.state?.serverInfo ?? {}) as { name?: unknown; version?: unknown };
  return (
    <div class="app">
      <header>
        <h1>mcpkit inspector</h1>
        <StatusBadge state={model.state} testid="connection-status" />
        <span class="server-name">{connected ? `${String(info.name ?? '')} ${String(info.version ?? '')}` : (model.state?.target ?? '')}</span>
        {!linked ? <span class="error">lost the inspector (reconnecting…)</span> : null}
      </header>
      <nav>
        {TABS.filter((t) => t !== 'gateway' || gateway !== undefined).map((t) => (
          <button type="button" class={t === tab ? 'tab active' : 'tab'} data-testid={`tab-${t}`} onClick={() => setTab(t)}>
            {t}
            {counts[t] ? <span class="count">{counts[t]}</span> : null}
          </button>
        ))}
      </nav>
      <AsksPane api={api} asks={model.asks} />
      <main>
        {/* Every pane stays mounted (hidden when not shown), so a result, a form or a subscription survives a tab switch. */}
        <div hidden={tab !== 'connection'}>
          <ConnectionPane state={model.state} api={api} oauth={model.oauth} />
        </div>
        <div hidden={tab !== 'tools'}>
          <ToolsPane
            api={api}
            server={String(info.name ?? model.state?.target ?? '')}
            version={model.listsVersion}
            connected={connected}
            progress={model.progress}
            onRead={(uri) => {
              setRequested({ uri });
              setTab('resources');
            }}
          />
        </div>
        <div hidden={tab !== 'resources'}>
          <ResourcesPane api={api} version={model.listsVersion} connected={connected} requested={requested} updates={model.updates} />
        </div>
        <div hidden={tab !== 'prompts'}>
          <PromptsPane api={api} version={model.listsVersion} connected={connected} />
        </div>
        <div hidden={tab !== 'history'}>
          <HistoryPane history={model.history} />
        </div>
        <div hidden={tab !== 'logs'}>
          <LogsPane logs={model.logs} />
        </div>
        {gateway !== undefined ? <div hidden={tab !== 'gateway'}>{tab === 'gateway' ? <GatewayPane api={api} origin={gateway} /> : null}</div> : null}
      </main>
    </div>
  );
}

function NoToken() {
  return (
    <div class="app">
      <header>
        <h1>mcpkit inspector</h1>
      </header>
      <main>
        <p data-testid="no-token">This page needs the link that `mcpkit inspect` printed (it carries this launch's token).</p>
      </main>
    </div>
  );
}

function Root() {
  const token = useMemo(takeToken, []);
  const api = useMemo(() => (token ? new Api(token) : undefined), [token]);
  return api ? <App api={api} /> : <NoToken />;
}

render(<Root />, document.getElementById('app')!);
