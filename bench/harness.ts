/**
 * A small, honest comparison harness: every implementation runs in the same process, in
 * interleaved rounds (the order rotates each round), batches calibrated to ~`roundMs`; we report
 * the median ops/s per implementation and the median of the per-round ratios to the baseline.
 */
import { performance } from 'node:perf_hooks';

export type BenchFn = () => unknown;

export interface CompareOptions {
  /** Name of the implementation the ratios are computed against (the peer). */
  baseline: string;
  /** Rounds per implementation (default 15, or BENCH_ROUNDS). */
  rounds?: number;
  /** Target duration of one batch in ms (default 100, or BENCH_ROUND_MS). */
  roundMs?: number;
  /** Warm-up per implementation in ms (default 250). */
  warmupMs?: number;
}

export interface CompareResult {
  title: string;
  baseline: string;
  rows: { name: string; opsPerSecond: number; min: number; max: number; ratio: number }[];
}

const results: CompareResult[] = [];

async function runBatch(fn: BenchFn, iterations: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) {
    const value = fn();
    if (value instanceof Promise) await value;
  }
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Runs `impls` side by side and prints a table with ratios to `options.baseline`. */
export async function compare(
  title: string,
  impls: Record<string, BenchFn>,
  options: CompareOptions,
): Promise<CompareResult> {
  const rounds = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 15);
  const roundMs = options.roundMs ?? Number(process.env.BENCH_ROUND_MS ?? 100);
  const warmupMs = options.warmupMs ?? Math.min(250, roundMs * 2.5);
  const names = Object.keys(impls);
  if (!names.includes(options.baseline))
    throw new Error(`baseline ${options.baseline} is not one of ${names.join(', ')}`);
  const iterations = new Map<string, number>();
  for (const name of names) {
    const fn = impls[name] as BenchFn;
    // Warm up, then calibrate the batch size to about roundMs.
    let n = 1;
    let spent = 0;
    const warmStart = performance.now();
    while (performance.now() - warmStart < warmupMs) {
      spent = await runBatch(fn, n);
      if (spent < 5) n *= 2;
    }
    const perOp = Math.max(spent / n, 1e-6);
    iterations.set(name, Math.max(1, Math.round(roundMs / perOp)));
  }
  const samples = new Map<string, number[]>(names.map((name) => [name, []]));
  const ratios = new Map<string, number[]>(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length] as string);
    const perRound = new Map<string, number>();
    for (const name of order) {
      const n = iterations.get(name) as number;
      const ms = await runBatch(impls[name] as BenchFn, n);
      const ops = (n * 1000) / ms;
      perRound.set(name, ops);
      samples.get(name)?.push(ops);
    }
    const base = perRound.get(options.baseline) as number;
    for (const name of names) ratios.get(name)?.push((perRound.get(name) as number) / base);
  }
  const result: CompareResult = {
    title,
    baseline: options.baseline,
    rows: names.map((name) => {
      const s = samples.get(name) as number[];
      return {
        name,
        opsPerSecond: median(s),
        min: Math.min(...s),
        max: Math.max(...s),
        ratio: median(ratios.get(name) as number[]),
      };
    }),
  };
  results.push(result);
  printResult(result);
  return result;
}

function fmt(ops: number): string {
  if (ops >= 1e6) return `${(ops / 1e6).toFixed(2)}M`;
  if (ops >= 1e3) return `${(ops / 1e3).toFixed(2)}k`;
  return ops.toFixed(0);
}

function printResult(result: CompareResult): void {
  console.log(`\n## ${result.title}  (ratios to ${result.baseline}, median of interleaved rounds)`);
  for (const row of result.rows) {
    console.log(
      `  ${row.name.padEnd(34)} ${fmt(row.opsPerSecond).padStart(9)} ops/s  (${fmt(row.min)}–${fmt(row.max)})  ×${row.ratio.toFixed(2)}`,
    );
  }
}

/** Prints a line that is not a comparison (sizes, load-test figures). */
export function report(title: string, lines: string[]): void {
  console.log(`\n## ${title}`);
  for (const line of lines) console.log(`  ${line}`);
}

/** Every comparison this process has run. */
export function allResults(): readonly CompareResult[] {
  return results;
}
