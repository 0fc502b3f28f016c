/** Internal: reports waiting to be read, and readers waiting for reports, with timeouts. */
import { CtapError } from '../errors.ts';

interface Waiter {
  resolve: (report: Uint8Array) => void;
  reject: (error: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Most reports kept unread; older ones are dropped (a device flooding the host cannot grow memory). */
const MAX_QUEUED = 1024;

export class ReportQueue {
  private readonly reports: Uint8Array[] = [];
  private readonly waiters: Waiter[] = [];
  private closedError: Error | undefined;
  private pendingError: Error | undefined;

  push(report: Uint8Array): void {
    if (this.closedError) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(report);
      return;
    }
    if (this.reports.length >= MAX_QUEUED) this.reports.shift();
    this.reports.push(report);
  }

  receive(timeoutMs: number): Promise<Uint8Array> {
    if (this.closedError) return Promise.reject(this.closedError);
    const next = this.reports.shift();
    if (next) return Promise.resolve(next);
    const pending = this.pendingError;
    if (pending) {
      this.pendingError = undefined;
      return Promise.reject(pending);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          const index = this.waiters.indexOf(waiter);
          if (index >= 0) this.waiters.splice(index, 1);
          reject(new CtapError('ERR_TIMEOUT', `no report within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Rejects every reader now and later with `error`. */
  close(error: Error): void {
    if (this.closedError) return;
    this.closedError = error;
    this.reports.length = 0;
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  /** Delivers `error` to the next reader (or keeps it for the next receive) without closing. */
  fail(error: Error): void {
    const waiter = this.waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    } else {
      this.pendingError = error;
    }
  }
}
