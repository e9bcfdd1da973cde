/** What the UI knows, built from the server's event stream. */
import type { ConnectionState, OAuthTrace, PendingAsk, StampedEvent } from './types';

export interface HistoryEntry {
  seq: number;
  t: number;
  dir: 'out' | 'in';
  message: unknown;
  ms?: number | undefined;
}

export interface LogEntry {
  seq: number;
  t: number;
  kind: 'log' | 'notification' | 'stderr' | 'stdout-noise' | 'progress';
  level?: string | undefined;
  title: string;
  data?: unknown;
}

export interface Progress {
  progress: number;
  total?: number | undefined;
  message?: string | undefined;
}

export interface Model {
  state: ConnectionState | undefined;
  history: HistoryEntry[];
  logs: LogEntry[];
  progress: Record<string, Progress>;
  asks: PendingAsk[];
  /** Bumped on each list_changed notification, so panes refetch. */
  listsVersion: number;
  /** How many `notifications/resources/updated` each URI got. */
  updates: Record<string, number>;
  /** The latest OAuth sign-in started from the page. */
  oauth: OAuthTrace | undefined;
}

export const EMPTY: Model = { state: undefined, history: [], logs: [], progress: {}, asks: [], listsVersion: 0, updates: {}, oauth: undefined };

/** The most history and log entries kept in the page (the server keeps its own bounded ring). */
const LIMIT = 5000;

function capped<T>(list: T[], more: T[]): T[] {
  const next = list.concat(more);
  return next.length > LIMIT ? next.slice(next.length - LIMIT) : next;
}

/** Applies a batch of events at once (one render per animation frame, not one per message). */
export function apply(model: Model, batch: StampedEvent[]): Model {
  let { state, progress, asks, listsVersion, updates, oauth } = model;
  const history: HistoryEntry[] = [];
  const logs: LogEntry[] = [];
  for (const { seq, t, event: e } of batch) {
    switch (e.type) {
      case 'state':
        state = e.state;
        if (e.state.status === 'connected') listsVersion++;
        break;
      case 'message':
        history.push({ seq, t, dir: e.dir, message: e.message, ms: e.ms });
        break;
      case 'stderr':
        logs.push({ seq, t, kind: 'stderr', title: e.line });
        break;
      case 'stdout-noise':
        logs.push({ seq, t, kind: 'stdout-noise', title: e.text });
        break;
      case 'log':
        logs.push({ seq, t, kind: 'log', level: e.level, title: e.logger ?? '', data: e.data });
        break;
      case 'notification':
        logs.push({ seq, t, kind: 'notification', title: e.method, data: e.params });
        if (/list_changed$/.test(e.method)) listsVersion++;
        if (e.method === 'notifications/resources/updated') {
          const uri = (e.params as { uri?: unknown } | undefined)?.uri;
          if (typeof uri === 'string') updates = { ...updates, [uri]: (updates[uri] ?? 0) + 1 };
        }
        break;
      case 'progress':
        progress = { ...progress, [e.callId]: { progress: e.progress, total: e.total, message: e.message } };
        logs.push({ seq, t, kind: 'progress', title: `${e.progress}${e.total === undefined ? '' : ` / ${e.total}`}${e.message ? ` ${e.message}` : ''}` });
        break;
      case 'ask':
        asks = asks.some((a) => a.id === e.ask.id) ? asks : [...asks, e.ask];
        break;
      case 'ask-done':
        asks = asks.filter((a) => a.id !== e.id);
        break;
      case 'oauth':
        oauth = e.trace;
        break;
    }
  }
  return {
    state,
    progress,
    asks,
    listsVersion,
    updates,
    oauth,
    history: history.length ? capped(model.history, history) : model.history,
    logs: logs.length ? capped(model.logs, logs) : model.logs,
  };
}
