/** A form generated from a JSON Schema: strings, numbers, booleans, enums, nested objects, arrays, oneOf/anyOf. */
import { useState } from 'preact/hooks';
import { type Schema, initialValue, resolve, typeOf, validate, variantsOf } from './schema';
import type { Json, JsonObject } from './types';

interface FieldProps {
  schema: Schema | undefined;
  root: Schema | undefined;
  value: Json | undefined;
  onChange: (value: Json | undefined) => void;
  /** Dotted path of this field, e.g. `address.city`, `tags[0]`; '' for the root. */
  path: string;
  depth?: number;
}

function label(path: string): string {
  return path.split('.').pop() || 'value';
}

function JsonField({ value, onChange, path }: FieldProps) {
  const [text, setText] = useState(value === undefined ? '' : JSON.stringify(value, null, 2));
  const [bad, setBad] = useState(false);
  return (
    <textarea
      class={bad ? 'invalid' : ''}
      data-testid={`field-${path}`}
      rows={3}
      value={text}
      onInput={(e) => {
        const t = (e.target as HTMLTextAreaElement).value;
        setText(t);
        if (t.trim() === '') return (setBad(false), onChange(undefined));
        try {
          onChange(JSON.parse(t) as Json);
          setBad(false);
        } catch {
          setBad(true);
        }
      }}
    />
  );
}

function Variants(props: FieldProps & { variants: Schema[] }) {
  const { variants, root, onChange, path, value } = props;
  // A value given up front (a saved request) picks the variant it matches.
  const [chosen, setChosen] = useState(() => Math.max(0, value === undefined ? 0 : variants.findIndex((v) => validate(v, value, root).length === 0)));
  const current = resolve(variants[chosen], root);
  return (
    <div class="variants">
      <select
        data-testid={`variant-${path}`}
        value={String(chosen)}
        onChange={(e) => {
          const i = Number((e.target as HTMLSelectElement).value);
          setChosen(i);
          onChange(initialValue(variants[i], root));
        }}
      >
        {variants.map((v, i) => {
          const r = resolve(v, root);
          return <option value={String(i)}>{String(r.title ?? r.const ?? typeOf(r) ?? `option ${i + 1}`)}</option>;
        })}
      </select>
      <Field {...props} schema={current} />
    </div>
  );
}

export function Field(props: FieldProps) {
  const { root, value, onChange, path } = props;
  const depth = props.depth ?? 0;
  const schema = resolve(props.schema, root);
  const variants = variantsOf(schema);
  if (variants && depth < 16) return <Variants {...props} variants={variants} />;
  const type = typeOf(schema);
  const id = `field-${path}`;
  if (Array.isArray(schema.enum)) {
    return (
      <select
        data-testid={id}
        value={value === undefined ? '' : JSON.stringify(value)}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value;
          onChange(v === '' ? undefined : (JSON.parse(v) as Json));
        }}
      >
        <option value="">(unset)</option>
        {schema.enum.map((opt) => (
          <option value={JSON.stringify(opt)}>{typeof opt === 'string' ? opt : JSON.stringify(opt)}</option>
        ))}
      </select>
    );
  }
  switch (type) {
    case 'string':
      return (
        <input
          type="text"
          data-testid={id}
          value={typeof value === 'string' ? value : ''}
          placeholder={typeof schema.format === 'string' ? schema.format : ''}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            onChange(v === '' ? undefined : v);
          }}
        />
      );
    case 'number':
    case 'integer':
      return (
        <input
          type="number"
          data-testid={id}
          step={type === 'integer' ? '1' : 'any'}
          value={typeof value === 'number' ? String(value) : ''}
          onInput={(e) => {
            const v = (e.target as HTMLInputElement).value;
            const n = Number(v);
            onChange(v === '' || Number.isNaN(n) ? undefined : n);
          }}
        />
      );
    case 'boolean':
      return <input type="checkbox" data-testid={id} checked={value === true} onChange={(e) => onChange((e.target as HTMLInputElement).checked)} />;
    case 'object':
      if (depth > 8 || !schema.properties) break;
      return <ObjectFields {...props} schema={schema} depth={depth} />;
    case 'array': {
      if (depth > 8 || !schema.items || Array.isArray(schema.items)) break;
      const items = Array.isArray(value) ? value : [];
      return (
        <div class="array" data-testid={id}>
          {items.map((item, i) => (
            <div class="array-item">
              <Field schema={schema.items as Schema} root={root} value={item} path={`${path}[${i}]`} depth={depth + 1} onChange={(v) => onChange(items.map((x, j) => (j === i ? (v ?? null) : x)))} />
              <button type="button" class="small" onClick={() => onChange(items.filter((_, j) => j !== i))}>
                remove
              </button>
            </div>
          ))}
          <button type="button" class="small" data-testid={`add-${path}`} onClick={() => onChange([...items, initialValue(schema.items as Schema, root) ?? null])}>
            add item
          </button>
        </div>
      );
    }
  }
  return <JsonField {...props} />;
}

function ObjectFields({ schema, root, value, onChange, path, depth = 0 }: FieldProps) {
  const obj = (value && typeof value === 'object' && !Array.isArray(value) ? value : {}) as JsonObject;
  const props = (schema?.properties ?? {}) as Record<string, Schema>;
  const required = new Set(Array.isArray(schema?.required) ? (schema.required as string[]) : []);
  const set = (key: string, v: Json | undefined) => {
    const next: JsonObject = { ...obj };
    if (v === undefined) delete next[key];
    else next[key] = v;
    onChange(next);
  };
  return (
    <div class={path ? 'object nested' : 'object'}>
      {Object.entries(props).map(([key, p]) => {
        const child = path ? `${path}.${key}` : key;
        const r = resolve(p, root);
        return (
          <div class="field">
            <label>
              <span class="name">{label(child)}</span>
              {required.has(key) ? <span class="required" title="required">*</span> : null}
              <span class="type">{typeOf(r) ?? (variantsOf(r) ? 'one of' : 'json')}</span>
            </label>
            {typeof r.description === 'string' ? <div class="description">{r.description}</div> : null}
            <Field schema={p} root={root} value={obj[key]} path={child} depth={depth + 1} onChange={(v) => set(key, v)} />
          </div>
        );
      })}
      {Object.keys(props).length === 0 ? <div class="muted">no arguments</div> : null}
    </div>
  );
}

/** The whole form for an input schema, with a raw JSON toggle. */
export function SchemaForm({ schema, value, onChange, onRawError, testid }: { schema: Schema | undefined; value: Json | undefined; onChange: (v: Json | undefined) => void; onRawError?: (message: string | undefined) => void; testid?: string }) {
  const [raw, setRaw] = useState(false);
  const [rawText, setRawText] = useState('');
  const [rawError, setRawError] = useState<string>();
  return (
    <div class="schema-form" data-testid={testid}>
      <label class="toggle">
        <input
          type="checkbox"
          data-testid="raw-json-toggle"
          checked={raw}
          onChange={(e) => {
            const on = (e.target as HTMLInputElement).checked;
            if (on) setRawText(JSON.stringify(value ?? {}, null, 2));
            setRawError(undefined);
            onRawError?.(undefined);
            setRaw(on);
          }}
        />
        raw JSON
      </label>
      {raw ? (
        <div>
          <textarea
            data-testid="raw-json"
            rows={8}
            value={rawText}
            onInput={(e) => {
              const t = (e.target as HTMLTextAreaElement).value;
              setRawText(t);
              try {
                onChange(JSON.parse(t) as Json);
                setRawError(undefined);
                onRawError?.(undefined);
              } catch (err) {
                const message = `raw JSON: ${err instanceof Error ? err.message : String(err)}`;
                setRawError(message);
                onRawError?.(message);
              }
            }}
          />
          {rawError ? <div class="error">{rawError}</div> : null}
        </div>
      ) : (
        <ObjectFields schema={schema ?? { type: 'object' }} root={schema} value={value} onChange={onChange} path="" />
      )}
    </div>
  );
}
