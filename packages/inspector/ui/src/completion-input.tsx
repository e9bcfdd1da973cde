/** A text input that offers the server's completions (completion/complete) in a datalist. */
import { useState } from 'preact/hooks';
import type { Api } from './api';

export function CompletionInput({ api, refValue, name, value, onInput, context, testid }: {
  api: Api;
  refValue: { type: 'ref/prompt'; name: string } | { type: 'ref/resource'; uri: string };
  name: string;
  value: string;
  onInput: (value: string) => void;
  context?: Record<string, string>;
  testid?: string;
}) {
  const [options, setOptions] = useState<string[]>([]);
  const listId = `complete-${refValue.type}-${name}`;
  const ask = async (v: string) => {
    const o = await api.post<{ values?: unknown[] }>('/api/complete', { ref: refValue, argument: { name, value: v }, ...(context ? { context } : {}) });
    setOptions(o.ok && Array.isArray(o.result.values) ? o.result.values.filter((x): x is string => typeof x === 'string').slice(0, 100) : []);
  };
  return (
    <>
      <input
        type="text"
        list={listId}
        data-testid={testid}
        value={value}
        onFocus={() => void ask(value)}
        onInput={(e) => {
          const v = (e.target as HTMLInputElement).value;
          onInput(v);
          void ask(v);
        }}
      />
      <datalist id={listId}>
        {options.map((o) => (
          <option value={o} />
        ))}
      </datalist>
    </>
  );
}
