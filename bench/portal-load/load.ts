/**
 * Two bounded load drivers: a closed loop (`concurrency` virtual users each run `step` again and
 * again until the time is up, which finds the most the portal can do) and an open loop (steps
 * started at a fixed rate, which measures latency at a given load); every step's latency is
 * recorded.
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
  /** Open loop only: the rate offered (steps started per second, whatever the answers). */
  offeredPerSecond?: number;
  /** Open loop only: steps not started because `maxInFlight` were already waiting. */
  dropped?: number;
  /** CPU milliseconds per successful step: portal processes, PostgreSQL, this load generator. */
  cpuMsPerOp?: { portal: number; postgres: number; generator: number };
}

/** The `q` quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

type Meter = { portal: number; postgres: number; generator: number };

/** The result of a scenario from its latencies (sorted here) and the meter before and after. */
function summarize(
  head: Pick<LoadResult, 'name' | 'processes' | 'concurrency' | 'seconds' | 'errors' | 'errorSamples'>,
  latencies: number[],
  before: Meter | undefined,
  after: Meter | undefined,
): LoadResult {
  const { seconds } = head;
  latencies.sort((x, y) => x - y);
  const per = (x: number) => x / Math.max(1, latencies.length);
  return {
    ...head,
    ok: latencies.length,
    perSecond: latencies.length / seconds,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    ...(before && after
      ? {
          cpuMsPerOp: {
            portal: per(after.portal - before.portal),
            postgres: per(after.postgres - before.postgres),
            generator: per(after.generator - before.generator),
          },
        }
      : {}),
  };
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
  const head = { name, processes: options.processes, concurrency: options.concurrency, seconds, errors, errorSamples };
  return summarize(head, latencies, before, options.meter?.());
}

/**
 * Runs `step(i)` at a fixed rate (an open loop, like k6's constant-arrival-rate executor): step
 * `k` is due at `start + k / ratePerSecond` whether or not earlier ones have been answered, and
 * its latency is counted from when it was due, so a slow answer cannot hide the queue behind
 * it (no coordinated omission). At most `maxInFlight` steps wait at once; a step due beyond that
 * is not started and counted as dropped. This is how a latency target at a given load is
 * measured: a closed loop at full speed instead measures the queue it builds itself.
 */
export async function runOpenLoad(
  name: string,
  options: {
    processes: number;
    ratePerSecond: number;
    durationMs: number;
    maxInFlight: number;
    meter?: () => { portal: number; postgres: number; generator: number };
  },
  step: (i: number) => Promise<boolean | undefined>,
): Promise<LoadResult> {
  const latencies: number[] = [];
  const errorSamples: string[] = [];
  let errors = 0;
  let dropped = 0;
  let inFlight = 0;
  let launched = 0;
  let exhausted = false;
  const interval = 1000 / options.ratePerSecond;
  const total = Math.floor((options.durationMs / 1000) * options.ratePerSecond);
  const before = options.meter?.();
  const start = performance.now();
  const running = new Set<Promise<void>>();
  const launch = (k: number, due: number) => {
    if (inFlight >= options.maxInFlight) {
      dropped++;
      return;
    }
    inFlight++;
    const p = step(k)
      .then((more) => {
        if (more === false) exhausted = true;
        else latencies.push(performance.now() - due);
      })
      .catch((error: unknown) => {
        errors++;
        if (errorSamples.length < 5) errorSamples.push((error as Error).message.slice(0, 300));
      })
      .finally(() => {
        inFlight--;
        running.delete(p);
      });
    running.add(p);
  };
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (launched < total && !exhausted && start + launched * interval <= now) {
        launch(launched, start + launched * interval);
        launched++;
      }
      if (launched >= total || exhausted) done();
      else setTimeout(tick, Math.max(0, Math.min(1, start + launched * interval - performance.now())));
    };
    tick();
  });
  await Promise.all(running);
  // Throughput is counted over the window the load was offered in (the last answers may come
  // a few milliseconds after it).
  const seconds = options.durationMs / 1000;
  const head = { name, processes: options.processes, concurrency: options.maxInFlight, seconds, errors, errorSamples };
  return {
    ...summarize(head, latencies, before, options.meter?.()),
    offeredPerSecond: options.ratePerSecond,
    dropped,
  };
}

/** One line of the report. */
export function describeResult(r: LoadResult): string {
  const cpu = r.cpuMsPerOp
    ? `; CPU/op: portal ${r.cpuMsPerOp.portal.toFixed(2)} ms, PostgreSQL ${r.cpuMsPerOp.postgres.toFixed(2)} ms, generator ${r.cpuMsPerOp.generator.toFixed(2)} ms`
    : '';
  const load =
    r.offeredPerSecond === undefined
      ? `${r.concurrency} users`
      : `${r.offeredPerSecond}/s offered, ${r.dropped ?? 0} dropped, at most ${r.concurrency} waiting`;
  return `${r.name.padEnd(42)} ${r.perSecond.toFixed(0).padStart(5)}/s  p50 ${r.p50Ms.toFixed(1).padStart(6)} ms  p99 ${r.p99Ms.toFixed(1).padStart(6)} ms  errors ${r.errors}  (${r.ok} in ${r.seconds.toFixed(1)} s, ${load}${cpu})`;
}
