/**
 * An mcpkit gateway's admin panes (when the inspector was given an admin key): its audit log (tail, filter, chain
 * verification), its API keys (list, revoke) and its trust verdicts (blocked servers, quarantined tools; approve).
 * The key stays in the inspector process; everything here goes through `/api/gateway/*`.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Api, ApiError } from './api';

interface AuditRecord {
  seq: number;
  time: string;
  principal: string | null;
  method: string;
  target: string | null;
  outcome: string;
  durationMs: number;
  reason?: string;
}
type Verify = { ok: true; count: number } | { ok: false; count: number; firstBad: { seq: number; reason: string; detail: string } };
interface KeyRow {
  id: string;
  source: 'config' | 'store';
  scopes: string[];
  state: string;
  createdAt?: number;
  expiresAt?: number;
  description?: string;
}
interface TrustServer {
  server: string;
  state: string;
  blocked: string | null;
  quarantined: Record<string, string>;
  warnings: string[];
}

function Problem({ error }: { error: ApiError | undefined }) {
  return error ? (
    <p class="error" data-testid="gateway-error">
      {error.message}
    </p>
  ) : null;
}

function AuditSection({ api }: { api: Api }) {
  const [filter, setFilter] = useState({ principal: '', method: '', outcome: '', limit: '50' });
  const [records, setRecords] = useState<AuditRecord[]>([]);
  const [verify, setVerify] = useState<Verify>();
  const [error, setError] = useState<ApiError>();
  const [follow, setFollow] = useState(false);
  const load = async (opts: { verify?: boolean; after?: number } = {}) => {
    const q = new URLSearchParams(Object.entries(filter).filter(([, v]) => v !== ''));
    if (opts.verify) q.set('verify', '1');
    if (opts.after !== undefined) q.set('afterSeq', String(opts.after));
    const o = await api.get<{ records: AuditRecord[]; verify?: Verify }>(`/api/gateway/audit?${q}`);
    if (!o.ok) return setError(o.error);
    setError(undefined);
    if (o.result.verify) setVerify(o.result.verify);
    setRecords((old) => (opts.after === undefined ? o.result.records : old.concat(o.result.records).slice(-Number(filter.limit || 50))));
  };
  // Verifying walks the whole chain (about 30 µs a record on a small machine): on request, not on every visit.
  useEffect(() => void load(), [api]);
  useEffect(() => {
    if (!follow) return;
    // Tailing: ask for what came after the last record shown, every two seconds.
    const timer = setInterval(() => void load({ after: records.at(-1)?.seq ?? 0 }), 2000);
    return () => clearInterval(timer);
  }, [follow, records, filter]);
  const field = (name: keyof typeof filter, placeholder: string) => (
    <input type="text" data-testid={`audit-${name}`} placeholder={placeholder} value={filter[name]} onInput={(e) => setFilter({ ...filter, [name]: (e.target as HTMLInputElement).value })} />
  );
  return (
    <section data-testid="gateway-audit">
      <h3>Audit log</h3>
      <div class="row">
        {field('principal', 'principal')}
        {field('method', 'method')}
        <select data-testid="audit-outcome" value={filter.outcome} onChange={(e) => setFilter({ ...filter, outcome: (e.target as HTMLSelectElement).value })}>
          <option value="">any outcome</option>
          <option value="ok">ok</option>
          <option value="error">error</option>
          <option value="refused">refused</option>
        </select>
        {field('limit', 'limit')}
        <button type="button" data-testid="audit-refresh" onClick={() => void load()}>
          query
        </button>
        <button type="button" data-testid="audit-verify" onClick={() => void load({ verify: true })}>
          verify chain
        </button>
        <label>
          <input type="checkbox" data-testid="audit-follow" checked={follow} onChange={(e) => setFollow((e.target as HTMLInputElement).checked)} /> follow
        </label>
      </div>
      <p class={verify === undefined ? 'chain muted' : verify.ok ? 'chain ok' : 'chain error'} data-testid="audit-chain">
        {verify === undefined
          ? 'chain not verified yet (verify walks the whole log)'
          : verify.ok
            ? `chain intact (${verify.count} records)`
            : `chain broken at record ${verify.firstBad.seq} (${verify.firstBad.reason}): ${verify.firstBad.detail}`}
      </p>
      <Problem error={error} />
      <table class="grid">
        <thead>
          <tr>
            <th>seq</th>
            <th>time</th>
            <th>principal</th>
            <th>method</th>
            <th>target</th>
            <th>outcome</th>
            <th>ms</th>
          </tr>
        </thead>
        <tbody>
          {records.map((r) => (
            <tr data-testid="audit-record" key={r.seq} class={r.outcome === 'ok' ? '' : 'bad'} title={r.reason ?? ''}>
              <td>{r.seq}</td>
              <td>{r.time}</td>
              <td>{r.principal ?? ''}</td>
              <td>{r.method}</td>
              <td>{r.target ?? ''}</td>
              <td>{r.outcome}</td>
              <td>{r.durationMs}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function KeysSection({ api }: { api: Api }) {
  const [keys, setKeys] = useState<KeyRow[]>([]);
  const [error, setError] = useState<ApiError>();
  const [confirming, setConfirming] = useState<string>();
  const load = async () => {
    const o = await api.get<{ keys: KeyRow[] }>('/api/gateway/keys');
    if (o.ok) (setKeys(o.result.keys), setError(undefined));
    else setError(o.error);
  };
  useEffect(() => void load(), [api]);
  const revoke = async (id: string) => {
    setConfirming(undefined);
    const o = await api.post('/api/gateway/keys/revoke', { id });
    if (!o.ok) setError(o.error);
    await load();
  };
  return (
    <section data-testid="gateway-keys">
      <div class="row">
        <h3>API keys</h3>
        <button type="button" onClick={() => void load()}>
          refresh
        </button>
      </div>
      <Problem error={error} />
      <table class="grid">
        <thead>
          <tr>
            <th>id</th>
            <th>from</th>
            <th>scopes</th>
            <th>state</th>
            <th>created</th>
            <th>description</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr data-testid="key-row" data-key={k.id} key={k.id}>
              <td>
                <code>{k.id}</code>
              </td>
              <td>{k.source === 'config' ? 'mcp.yaml' : 'store'}</td>
              <td>{k.scopes.join(' ')}</td>
              <td data-testid="key-state" class={k.state === 'active' ? '' : 'bad'}>
                {k.state}
              </td>
              <td>{k.createdAt ? new Date(k.createdAt).toISOString() : ''}</td>
              <td>{k.description ?? ''}</td>
              <td>
                {k.source === 'store' && k.state === 'active' ? (
                  confirming === k.id ? (
                    <button type="button" class="danger" data-testid="key-revoke-confirm" onClick={() => void revoke(k.id)}>
                      really revoke {k.id}
                    </button>
                  ) : (
                    <button type="button" data-testid="key-revoke" onClick={() => setConfirming(k.id)}>
                      revoke
                    </button>
                  )
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function TrustSection({ api }: { api: Api }) {
  const [servers, setServers] = useState<TrustServer[]>([]);
  const [pins, setPins] = useState<{ kind?: string; at?: string }>({});
  const [error, setError] = useState<ApiError>();
  const load = async () => {
    const o = await api.get<{ servers: TrustServer[]; pins?: string; lockfile?: string }>('/api/gateway/trust');
    if (o.ok) (setServers(o.result.servers), setPins({ kind: o.result.pins, at: o.result.lockfile }), setError(undefined));
    else setError(o.error);
  };
  useEffect(() => void load(), [api]);
  const approve = async (server: string, item?: string) => {
    const o = await api.post('/api/gateway/trust/approve', item === undefined ? { server } : { server, item });
    if (!o.ok) setError(o.error);
    await load();
  };
  const held = servers.filter((s) => s.blocked !== null || Object.keys(s.quarantined).length > 0 || s.warnings.length > 0);
  return (
    <section data-testid="gateway-trust">
      <div class="row">
        <h3>Quarantined tools</h3>
        <button type="button" onClick={() => void load()}>
          refresh
        </button>
      </div>
      {error?.code === 404 ? <p class="muted">this gateway pins nothing (no trust: section in its mcp.yaml)</p> : <Problem error={error} />}
      {pins.kind !== undefined || pins.at !== undefined ? (
        <p class="muted" data-testid="trust-pins">
          pins kept in {pins.kind ?? 'a lockfile'}
          {pins.at ? (
            <>
              {' '}
              (<code>{pins.at}</code>)
            </>
          ) : null}
        </p>
      ) : null}
      {!error && held.length === 0 ? <p class="muted">nothing held: every upstream matches its pins ({servers.length} servers)</p> : null}
      {held.map((s) => (
        <div class="trust-server" data-testid="trust-server" data-server={s.server} key={s.server}>
          <strong>{s.server}</strong> <span class="badge">{s.state}</span>
          {s.blocked !== null ? (
            <div class="row">
              <span class="error">blocked: {s.blocked}</span>
              <button type="button" data-testid="approve-server" onClick={() => void approve(s.server)}>
                approve the server as it is now
              </button>
            </div>
          ) : null}
          {s.warnings.map((w) => (
            <div class="muted" data-testid="trust-warning">
              warning: {w}
            </div>
          ))}
          {Object.entries(s.quarantined).map(([item, why]) => (
            <div class="row" data-testid="quarantined-item" data-item={item} key={item}>
              <code>{item}</code> <span class="error">{why}</span>
              <button type="button" data-testid="approve-item" onClick={() => void approve(s.server, item.replace(/^(tool|prompt|resourceTemplate):/, ''))}>
                approve
              </button>
            </div>
          ))}
        </div>
      ))}
    </section>
  );
}

export function GatewayPane({ api, origin }: { api: Api; origin: string }) {
  return (
    <div class="pane gateway-pane">
      <p class="muted">
        mcpkit gateway admin API at <code>{origin}</code> (the admin key stays in the inspector process)
      </p>
      <AuditSection api={api} />
      <KeysSection api={api} />
      <TrustSection api={api} />
    </div>
  );
}
