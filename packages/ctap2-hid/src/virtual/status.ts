/** Internal: a CTAP2 status a command handler ends with. Never escapes the device. */
export class CtapStatus extends Error {
  override readonly name = 'CtapStatus';
  readonly status: number;
  constructor(status: number, detail = '') {
    super(`CTAP status 0x${status.toString(16).padStart(2, '0')}${detail ? `: ${detail}` : ''}`);
    this.status = status;
  }
}

/** Throws a {@link CtapStatus}. */
export function fail(status: number, detail?: string): never {
  throw new CtapStatus(status, detail);
}
