import { describe, expect, it } from 'vitest';
import { CtaphidDevice } from './ctaphid.ts';

describe('CtaphidDevice.frame', () => {
  it('splits a message into one init packet and numbered continuations', () => {
    const payload = Uint8Array.from({ length: 57 + 59 + 1 }, (_, i) => i & 0xff);
    const reports = CtaphidDevice.frame(0x01020304, 0x10, payload);
    expect(reports.length).toBe(3);
    expect([...(reports[0] as Uint8Array).subarray(0, 7)]).toEqual([1, 2, 3, 4, 0x90, 0, 117]);
    expect([...(reports[1] as Uint8Array).subarray(0, 5)]).toEqual([1, 2, 3, 4, 0]);
    expect([...(reports[2] as Uint8Array).subarray(0, 6)]).toEqual([1, 2, 3, 4, 1, 116]);
    expect(reports.every((r) => r.length === 64)).toBe(true);
    expect(CtaphidDevice.frame(1, 1, new Uint8Array(0)).length).toBe(1);
  });
});
