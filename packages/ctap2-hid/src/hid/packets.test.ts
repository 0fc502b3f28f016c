/** CTAPHID packet framing: round trips for every length, and any bytes give a packet or our error. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HID_MAX_MESSAGE_SIZE } from '../ctap2/constants.ts';
import { isCtapError } from '../errors.ts';
import { encodeMessage, MessageAssembler, parsePacket } from './packets.ts';

function reassemble(reports: Uint8Array[]): { cmd: number; payload: Uint8Array } {
  const [first, ...rest] = reports.map(parsePacket);
  if (first?.kind !== 'init') throw new Error('no init packet');
  const assembler = new MessageAssembler(first);
  for (const packet of rest) {
    if (packet.kind !== 'cont') throw new Error('init packet inside a message');
    assembler.push(packet);
  }
  expect(assembler.complete).toBe(true);
  return { cmd: assembler.cmd, payload: assembler.payload };
}

describe('CTAPHID packets', () => {
  it('splits 57 + n × 59 bytes: one init packet, then continuations numbered from 0', () => {
    const reports = encodeMessage(0x11223344, 0x10, new Uint8Array(57 + 59 + 1));
    expect(reports).toHaveLength(3);
    expect([...(reports[0] as Uint8Array).subarray(0, 7)]).toEqual([0x11, 0x22, 0x33, 0x44, 0x90, 0, 117]);
    expect((reports[1] as Uint8Array)[4]).toBe(0);
    expect((reports[2] as Uint8Array)[4]).toBe(1);
    expect(encodeMessage(1, 0x10, new Uint8Array(0))).toHaveLength(1);
    expect(encodeMessage(1, 0x10, new Uint8Array(HID_MAX_MESSAGE_SIZE))).toHaveLength(129);
  });

  it('round-trips every message length up to 7609 bytes', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: HID_MAX_MESSAGE_SIZE }),
        fc.integer({ min: 1, max: 0x7f }),
        (payload, cmd) => {
          const { cmd: got, payload: back } = reassemble(encodeMessage(0xcafe0001, cmd, payload));
          expect(got).toBe(cmd);
          expect(back).toEqual(payload);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses a message longer than the framing can carry (ERR_REQUEST_TOO_LARGE)', () => {
    expect(() => encodeMessage(1, 0x10, new Uint8Array(HID_MAX_MESSAGE_SIZE + 1))).toThrow(
      expect.objectContaining({ code: 'ERR_REQUEST_TOO_LARGE' }),
    );
  });

  it('any bytes parse to a packet or throw CtapError ERR_MALFORMED, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          const packet = parsePacket(bytes);
          if (packet.kind === 'init') new MessageAssembler(packet);
        } catch (error) {
          expect(isCtapError(error) && error.code === 'ERR_MALFORMED').toBe(true);
        }
      }),
    );
  });
});
