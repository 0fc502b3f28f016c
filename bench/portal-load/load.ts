/**
 * A bounded closed-loop load driver: `concurrency` virtual users each run `step` again and
 * again until the time is up (or the work runs out); every step's latency is recorded.
 */
import { performance } from 'node:perf_hooks';

/** What one scenario measured. */
export interface LoadResult {
  name: string;
  processes: number;
  concurrency: number;
  seconds: number;
  ok: number;
  errors: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The first few error messages (for the report). */
  errorSamples: string[];
  /** CPU milliseconds per successful step: portal processes, PostgreSQL, this load generator. */
  cpuMsPerOp?: { portal: number; postgres: number; generator: number };
}

/** The `q` quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/**
 * Runs `step(worker, i)` from `concurrency` loops until `durationMs` have passed or `step`
 * returns `false` (no work left). A step that throws counts as an error.
 */
export async function runLoad(
  name: string,
  options: {
    processes: number;
    concurrency: number;
    durationMs: number;
    /** CPU milliseconds so far per party; read just before and just after the load. */
    meter?: () => { portal: number; postgres: number; generator: number };
  },
  step: (worker: number, i: number) => Promise<boolean | undefined>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  const start = performance.now();
  const deadline = start + options.durationMs;
  let stopped = false;
  const before = options.meter?.();
  const loops = Array.from({ length: options.concurrency }, async (_, worker) => {
    while (!stopped && performance.now() < deadline) {
      const i = next++;
      const t0 = performance.now();
      try {
        const more = await step(worker, i);
        if (more === false) {
          stopped = true;
          break;
        }
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message.slice(0, 300));
      }
    }
  });
  await Promise.all(loops);
  const seconds = (performance.now() - start) / 1000;
  const after = options.meter?.();
  latencies.sort((x, y) => x - y);
  return {
    name,
    processes: options.processes,
    concurrency: options.concurrency,
    seconds,
    ok: latencies.length,
    errors,
    perSecond: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    errorSamples,
    ...(before && after
      ? {
          cpuMsPerOp: {
            portal: (after.portal - before.portal) / Math.max(1, latencies.length),
            postgres: (after.postgres - before.postgres) / Math.max(1, latencies.length),
            generator: (after.generator - before.generator) / Math.max(1, latencies.length),
          },
        }
      : {}),
  };
}

/** One line of the report. */
export function describeResult(r: LoadResult): string {
  const cpu = r.cpuMsPerOp
    ? `; CPU/op: portal ${r.cpuMsPerOp.portal.toFixed(2)} ms, PostgreSQL ${r.cpuMsPerOp.postgres.toFixed(2)} ms, generator ${r.cpuMsPerOp.generator.toFixed(2)} ms`
    : '';
  return `${r.name.padEnd(42)} ${r.perSecond.toFixed(0).padStart(5)}/s  p50 ${r.p50Ms.toFixed(1).padStart(6)} ms  p99 ${r.p99Ms.toFixed(1).padStart(6)} ms  errors ${r.errors}  (${r.ok} in ${r.seconds.toFixed(1)} s, ${r.concurrency} users${cpu})`;
}
