// Waiting on the load's progress (not on the clock) before and after a fault, with a failure
// message that says what the processes did (exit codes, the crash text if any).
import type { Ledger } from './fault-load.ts';
import type { PortalProcess } from './processes.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function diagnose(procs: PortalProcess[], ledger: Ledger): string {
  const lines = [
    `acknowledged keys ${ledger.acknowledgedKeys.length}, service errors ${ledger.serviceErrors}, connection errors ${ledger.connectionErrors.length}, unexpected ${JSON.stringify(ledger.unexpected.slice(0, 3))}`,
  ];
  for (const p of procs) {
    const out = p.output();
    const crash = out.search(/Unhandled|node:events|uncaught/i);
    lines.push(
      `process on ${p.port}: exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'}${crash >= 0 ? `\n${out.slice(Math.max(0, crash - 300), crash + 900)}` : ''}`,
    );
  }
  return lines.join('\n');
}

/** Waits until `ready()`; fails after `limitMs` with what the processes and the ledger show. */
export async function until(
  ready: () => boolean,
  what: string,
  procs: PortalProcess[],
  ledger: Ledger,
  limitMs = 30_000,
): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (Date.now() - start > limitMs) throw new Error(`load made no progress: ${what}\n${diagnose(procs, ledger)}`);
    await sleep(20);
  }
}
