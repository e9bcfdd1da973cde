import { describe, expect, it } from 'vitest';
import { connect, sessionWith } from '../test-support/harness.js';

const read = (uri: string) => ({ contents: [{ uri, text: 'x' }] });

describe('server.onResourceWatch', () => {
  it('hears the first subscriber of a URI and the last one leaving, across sessions, repeats and closes', async () => {
    const events: string[] = [];
    const a = await sessionWith((s) => {
      s.resource('doc', 'mem://doc', {}, () => read('mem://doc'));
      s.onResourceWatch((uri, watched) => events.push(`${watched ? '+' : '-'}${uri}`));
    });
    const b = await connect(a.server);
    await b.initialize();
    await a.request('resources/subscribe', { uri: 'mem://doc' });
    // A second subscribe of the same session, and another session's, are not new watchers of the URI.
    await a.request('resources/subscribe', { uri: 'mem://doc' });
    await b.request('resources/subscribe', { uri: 'mem://doc' });
    expect(events).toEqual(['+mem://doc']);
    await a.request('resources/unsubscribe', { uri: 'mem://doc' });
    // Unsubscribing what a session never subscribed changes nothing.
    await a.request('resources/unsubscribe', { uri: 'mem://doc' });
    expect(events).toEqual(['+mem://doc']);
    // The last subscriber goes away by closing, without unsubscribing.
    await b.session.close();
    await a.settle();
    expect(events).toEqual(['+mem://doc', '-mem://doc']);
  });

  it('counts a 2026-07-28 subscriptions/listen stream while it is open, and a throwing listener breaks nothing', async () => {
    const events: string[] = [];
    const conn = await sessionWith((s) => {
      s.resource('doc', 'mem://doc', {}, () => read('mem://doc'));
      s.onResourceWatch(() => {
        throw new Error('listener failed');
      });
      s.onResourceWatch((uri, watched) => events.push(`${watched ? '+' : '-'}${uri}`));
    });
    const listening = conn.stateless('subscriptions/listen', { notifications: { resourceSubscriptions: ['mem://doc'] } }, {}).catch(() => undefined);
    await conn.settle();
    expect(events).toEqual(['+mem://doc']);
    expect(conn.reported.map((r) => r.context)).toContain('a resource watch listener');
    await conn.session.close();
    await listening;
    expect(events).toEqual(['+mem://doc', '-mem://doc']);
  });
});
