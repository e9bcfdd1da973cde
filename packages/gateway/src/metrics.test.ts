import { describe, expect, it } from 'vitest';
import { GatewayMetrics } from './metrics.js';

describe('GatewayMetrics request counts and durations', () => {
  it('renders counts by outcome and a cumulative duration histogram per method and upstream', async () => {
    const m = new GatewayMetrics({ processMetrics: false });
    m.request('tools/call', 'echo', 'ok', 0.0004);
    m.request('tools/call', 'echo', 'ok', 0.002);
    m.request('tools/call', 'echo', 'error', 0.002);
    m.request('tools/call', 'echo', 'refused', 45);
    m.request('tools/list', '', 'ok', 0.001);
    const text = await m.registry.metrics();
    const lines = new Set(text.split('\n'));
    for (const line of [
      '# TYPE mcpkit_gateway_requests_total counter',
      'mcpkit_gateway_requests_total{method="tools/call",upstream="echo",outcome="ok"} 2',
      'mcpkit_gateway_requests_total{method="tools/call",upstream="echo",outcome="error"} 1',
      'mcpkit_gateway_requests_total{method="tools/call",upstream="echo",outcome="refused"} 1',
      'mcpkit_gateway_requests_total{method="tools/list",upstream="",outcome="ok"} 1',
      '# TYPE mcpkit_gateway_request_duration_seconds histogram',
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/call",upstream="echo",le="0.0005"} 1',
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/call",upstream="echo",le="0.001"} 1',
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/call",upstream="echo",le="0.0025"} 3',
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/call",upstream="echo",le="30"} 3',
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/call",upstream="echo",le="+Inf"} 4',
      'mcpkit_gateway_request_duration_seconds_sum{method="tools/call",upstream="echo"} 45.0044',
      'mcpkit_gateway_request_duration_seconds_count{method="tools/call",upstream="echo"} 4',
      // A value equal to a bound counts in that bucket (le is "less than or equal").
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/list",upstream="",le="0.0005"} 0',
      'mcpkit_gateway_request_duration_seconds_bucket{method="tools/list",upstream="",le="0.001"} 1',
      'mcpkit_gateway_request_duration_seconds_count{method="tools/list",upstream=""} 1',
    ]) {
      expect(lines, line).toContain(line);
    }
    // Read twice: the counter is given only what is new, never doubled.
    expect(await m.registry.metrics()).toBe(text);
    // The prom-client API still works beside it: a direct inc adds, a direct observe lands in the histogram.
    m.requests.inc({ method: 'tools/call', upstream: 'echo', outcome: 'ok' });
    m.request('tools/call', 'echo', 'ok', 0.002);
    m.duration.observe({ method: 'tools/call', upstream: 'echo' }, 0.0001);
    const after = new Set((await m.registry.metrics()).split('\n'));
    expect(after).toContain('mcpkit_gateway_requests_total{method="tools/call",upstream="echo",outcome="ok"} 4');
    expect(after).toContain('mcpkit_gateway_request_duration_seconds_bucket{method="tools/call",upstream="echo",le="0.0005"} 2');
    expect(after).toContain('mcpkit_gateway_request_duration_seconds_count{method="tools/call",upstream="echo"} 6');
    expect(() => m.duration.observe({ method: 'x', upstream: '' }, Number.NaN)).toThrow(TypeError);
    const json = await m.registry.getMetricsAsJSON();
    expect(json.find((x) => x.name === 'mcpkit_gateway_request_duration_seconds')?.type).toBe('histogram');
  });
});
