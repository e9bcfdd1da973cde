import { useEffect, useState } from 'preact/hooks';
import type { Api, ApiError } from './api';

/** Fetches one of the server's lists whenever the connection (re)opens or the server says it changed. */
export function useList<T>(api: Api, path: string, version: number, connected: boolean): { items: T[]; error: ApiError | undefined } {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<ApiError>();
  useEffect(() => {
    if (!connected) return;
    let live = true;
    void api.get<T[]>(path).then((o) => {
      if (!live) return;
      if (o.ok) (setItems(o.result), setError(undefined));
      else setError(o.error);
    });
    return () => {
      live = false;
    };
  }, [api, path, version, connected]);
  return { items, error };
}
