/** Logs, notifications, progress, the server's stderr, and stdout lines that are no JSON-RPC (flagged). */
import { useState } from 'preact/hooks';
import type { LogEntry } from './model';

const KINDS: LogEntry['kind'][] = ['log', 'notification', 'progress', 'stderr', 'stdout-noise'];

export function LogsPane({ logs }: { logs: LogEntry[] }) {
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const shown = logs.filter((l) => !hidden.has(l.kind)).slice(-1000);
  const noise = logs.filter((l) => l.kind === 'stdout-noise').length;
  return (
    <div class="pane">
      {noise ? (
        <div class="error" data-testid="stdout-noise">
          the server wrote {noise} line(s) to stdout that are not JSON-RPC: a stdio server must log to stderr
        </div>
      ) : null}
      <div class="row toolbar">
        {KINDS.map((k) => (
          <label class="toggle">
            <input
              type="checkbox"
              checked={!hidden.has(k)}
              onChange={() => {
                const next = new Set(hidden);
                if (next.has(k)) next.delete(k);
                else next.add(k);
                setHidden(next);
              }}
            />
            {k}
          </label>
        ))}
      </div>
      <ol class="logs">
        {shown.map((l) => (
          <li class={`log-entry ${l.kind} ${l.level ?? ''}`} data-testid={`log-${l.kind}`} key={l.seq}>
            <span class="time">{(l.t / 1000).toFixed(3)}s</span>
            <span class="kind">{l.kind === 'log' ? l.level : l.kind}</span>
            <span class="label">{l.title}</span>
            {l.data !== undefined ? <code class="data">{typeof l.data === 'string' ? l.data : JSON.stringify(l.data)}</code> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
