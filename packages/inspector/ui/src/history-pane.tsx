/** The JSON-RPC history, both ways, with timings: filterable, expandable, exportable as JSONL. */
import { useMemo, useState } from 'preact/hooks';
import { Json } from './content-view';
import type { HistoryEntry } from './model';

type Msg = { id?: unknown; method?: unknown; params?: { name?: unknown; uri?: unknown }; error?: { code?: unknown; message?: unknown }; result?: unknown };

function summary(e: HistoryEntry): { kind: string; label: string } {
  const m = (e.message ?? {}) as Msg;
  if (typeof m.method === 'string') {
    // The tool, prompt or resource a request names, so the list reads without opening each entry.
    const what = typeof m.params?.name === 'string' ? m.params.name : typeof m.params?.uri === 'string' ? m.params.uri : '';
    return { kind: m.id === undefined ? 'notification' : 'request', label: what ? `${m.method} ${what}` : m.method };
  }
  if (m.error) return { kind: 'error', label: `error ${String(m.error.code)}: ${String(m.error.message)}` };
  return { kind: 'response', label: 'result' };
}

/** Shown at most at once; the filter narrows the rest. */
const SHOWN = 500;

export function HistoryPane({ history }: { history: HistoryEntry[] }) {
  const [filter, setFilter] = useState('');
  const [dir, setDir] = useState<'all' | 'out' | 'in'>('all');
  const [open, setOpen] = useState<Set<number>>(new Set());
  const matching = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return history.filter((e) => (dir === 'all' || e.dir === dir) && (!f || JSON.stringify(e.message).toLowerCase().includes(f)));
  }, [history, filter, dir]);
  const exportJsonl = () => {
    const text = matching.map((e) => JSON.stringify({ t: e.t, dir: e.dir, ...(e.ms === undefined ? {} : { ms: e.ms }), message: e.message })).join('\n') + '\n';
    const url = URL.createObjectURL(new Blob([text], { type: 'application/jsonl' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `mcpkit-inspector-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const shown = matching.slice(-SHOWN);
  return (
    <div class="pane">
      <div class="row toolbar">
        <input type="search" data-testid="history-filter" placeholder="filter: method, id, text…" value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
        <select value={dir} onChange={(e) => setDir((e.target as HTMLSelectElement).value as 'all')}>
          <option value="all">both ways</option>
          <option value="out">client → server</option>
          <option value="in">server → client</option>
        </select>
        <span class="muted">
          {matching.length} of {history.length}
        </span>
        <button type="button" data-testid="history-export" onClick={exportJsonl}>
          export JSONL
        </button>
      </div>
      {matching.length > SHOWN ? <div class="muted">showing the last {SHOWN}</div> : null}
      <ol class="history">
        {shown.map((e) => {
          const s = summary(e);
          const m = (e.message ?? {}) as Msg;
          const isOpen = open.has(e.seq);
          return (
            <li class={`history-entry ${e.dir} ${s.kind}`} data-testid="history-entry" key={e.seq}>
              <button
                type="button"
                class="entry-head"
                onClick={() => {
                  const next = new Set(open);
                  if (isOpen) next.delete(e.seq);
                  else next.add(e.seq);
                  setOpen(next);
                }}
              >
                <span class="time">{(e.t / 1000).toFixed(3)}s</span>
                <span class="dir">{e.dir === 'out' ? '→' : '←'}</span>
                <span class="kind">{s.kind}</span>
                <span class="label">{s.label}</span>
                {m.id !== undefined ? <span class="id">#{String(m.id)}</span> : null}
                {e.ms !== undefined ? <span class="ms">{e.ms} ms</span> : null}
              </button>
              {isOpen ? <Json value={e.message} /> : null}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
