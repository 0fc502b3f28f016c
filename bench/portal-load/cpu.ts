/**
 * CPU time spent by the processes under test (from /proc, Linux), so a scenario can report CPU
 * milliseconds per sign-in: a figure that says what the work costs, whatever else the machine
 * is doing at the same time.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const TICK_MS = 10; // USER_HZ is 100 on Linux

function statOf(pid: number): { ppid: number; ms: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) in parentheses.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(rest[1]), ms: (Number(rest[11]) + Number(rest[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

/** CPU milliseconds used so far by `pid` itself. */
export function cpuMsOf(pid: number): number {
  return statOf(pid)?.ms ?? 0;
}

// Backends that have exited keep the CPU time last seen for them (a pool closes idle connections).
const lastSeen = new Map<number, number>();

/** CPU milliseconds used so far by a PostgreSQL cluster: the postmaster and every child seen so far. */
export function clusterCpuMs(dataDir: string): number {
  let postmaster: number;
  try {
    postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return 0;
  }
  lastSeen.set(postmaster, cpuMsOf(postmaster));
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = statOf(Number(name));
    if (s && s.ppid === postmaster) lastSeen.set(Number(name), s.ms);
  }
  let total = 0;
  for (const ms of lastSeen.values()) total += ms;
  return total;
}
