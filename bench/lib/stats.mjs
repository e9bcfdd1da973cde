/**
 * Small statistics for the harness: percentiles by nearest rank, medians of repeated runs.
 * @module
 */

/** Nearest-rank percentile of an unsorted sample (p in 0..100); NaN when empty. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** The median of finite values; undefined when none is finite. */
export function median(values) {
  const finite = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const sorted = finite.sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Latency summary in milliseconds; `max` is the single slowest sample. */
export function latencySummary(samplesMs) {
  let max = samplesMs.length === 0 ? Number.NaN : -Infinity;
  for (const v of samplesMs) if (v > max) max = v;
  return {
    count: samplesMs.length,
    p50: percentile(samplesMs, 50),
    p99: percentile(samplesMs, 99),
    max,
    mean: samplesMs.length === 0 ? Number.NaN : samplesMs.reduce((a, b) => a + b, 0) / samplesMs.length,
  };
}
