/**
 * Saved requests: a tool and its arguments under a name, kept in this origin's localStorage (per server name; a
 * fixed --port keeps them between launches) and exported or imported as a JSON file.
 */
import { useState } from 'preact/hooks';
import type { Json } from './types';

export interface SavedRequest {
  name: string;
  tool: string;
  arguments: Json;
}

const MAX_SAVED = 200;

function storageKey(server: string): string {
  return `mcpkit-inspector-collection:${server}`;
}

function isSaved(value: unknown): value is SavedRequest {
  const v = value as SavedRequest | null;
  return typeof v === 'object' && v !== null && typeof v.name === 'string' && typeof v.tool === 'string' && typeof v.arguments === 'object';
}

function load(server: string): SavedRequest[] {
  try {
    const parsed = JSON.parse(localStorage.getItem(storageKey(server)) ?? '[]') as unknown;
    return Array.isArray(parsed) ? parsed.filter(isSaved).slice(0, MAX_SAVED) : [];
  } catch {
    return [];
  }
}

/** The collection of one server, and what changes it. */
export function useCollection(server: string): { saved: SavedRequest[]; save(r: SavedRequest): void; remove(name: string): void; replace(all: SavedRequest[]): void } {
  const [state, setState] = useState<{ server: string; saved: SavedRequest[] }>(() => ({ server, saved: load(server) }));
  // The server's name arrives with the connection: its own collection is loaded then.
  const saved = state.server === server ? state.saved : load(server);
  if (state.server !== server) setState({ server, saved });
  const setSaved = (next: SavedRequest[]) => setState({ server, saved: next });
  const persist = (next: SavedRequest[]) => {
    const kept = next.slice(0, MAX_SAVED);
    setSaved(kept);
    try {
      localStorage.setItem(storageKey(server), JSON.stringify(kept));
    } catch {
      // Storage full or disabled: the collection lives in the page until it is exported.
    }
  };
  return {
    saved,
    save: (r) => persist([r, ...saved.filter((s) => s.name !== r.name)]),
    remove: (name) => persist(saved.filter((s) => s.name !== name)),
    replace: persist,
  };
}

export function CollectionList({ collection, onPick }: { collection: ReturnType<typeof useCollection>; onPick: (r: SavedRequest) => void }) {
  const [error, setError] = useState<string>();
  const exportFile = () => {
    const url = URL.createObjectURL(new Blob([JSON.stringify(collection.saved, null, 2)], { type: 'application/json' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = 'mcpkit-inspector-collection.json';
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };
  const importFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const parsed = JSON.parse(await file.text()) as unknown;
      if (!Array.isArray(parsed) || !parsed.every(isSaved)) throw new Error('expected an array of { name, tool, arguments }');
      collection.replace([...parsed, ...collection.saved.filter((s) => !parsed.some((p) => p.name === s.name))]);
      setError(undefined);
    } catch (err) {
      setError(`cannot import ${file.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return (
    <div class="collection" data-testid="collection">
      <h4>saved requests</h4>
      {collection.saved.length === 0 ? <div class="muted">none yet: fill a form and save it</div> : null}
      <ul>
        {collection.saved.map((r) => (
          <li>
            <button type="button" class="small item" data-testid="saved-request" onClick={() => onPick(r)}>
              {r.name}
            </button>{' '}
            <span class="muted">{r.tool}</span>{' '}
            <button type="button" class="small" title="remove" onClick={() => collection.remove(r.name)}>
              ×
            </button>
          </li>
        ))}
      </ul>
      <div class="row">
        <button type="button" class="small" data-testid="collection-export" disabled={collection.saved.length === 0} onClick={exportFile}>
          export
        </button>
        <label class="small-file">
          import <input type="file" accept="application/json,.json" data-testid="collection-import" onChange={(e) => void importFile((e.target as HTMLInputElement).files?.[0])} />
        </label>
      </div>
      {error ? <div class="error">{error}</div> : null}
    </div>
  );
}
