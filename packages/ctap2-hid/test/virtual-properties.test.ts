/** fast-check: random reports and random CBOR never crash the device, and always get an answer. */
import { encodeCanonicalCbor } from '@keyward/internal';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CTAP2_STATUS, CTAPHID_CMD, CTAPHID_ERR } from '../src/ctap2/constants.ts';
import { VirtualAuthenticator } from '../src/virtual/virtual-authenticator.ts';
import { gaParams, mcParams, report, TestHost } from './virtual-host.ts';

const device = new VirtualAuthenticator({ maxCredentials: 5, messageTimeoutMs: 50 });
const host = new TestHost(device);
afterAll(() => device.close());

const KNOWN_STATUS = new Set<number>(Object.values(CTAP2_STATUS));
const KNOWN_HID_ERRORS = new Set<number>(Object.values(CTAPHID_ERR));

const leaf = fc.oneof(
  fc.integer({ min: -70000, max: 70000 }),
  fc.string({ maxLength: 12 }),
  fc.boolean(),
  fc.uint8Array({ maxLength: 80 }),
);
const cborValue = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('map'), tie('textMap')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  map: fc.array(fc.tuple(fc.integer({ min: -4, max: 12 }), tie('value')), { maxLength: 5 }).map((e) => new Map(e)),
  textMap: fc
    .array(
      fc.tuple(
        fc.constantFrom('id', 'type', 'alg', 'name', 'rk', 'up', 'uv', 'credProtect', 'hmac-secret'),
        tie('value'),
      ),
      {
        maxLength: 4,
      },
    )
    .map((e) => new Map(e)),
})).value;

const COMMANDS = [0x01, 0x02, 0x04, 0x06, 0x07, 0x08, 0x0a, 0x0b, 0x0d, 0x41];

async function status(cid: number, bytes: Uint8Array): Promise<number> {
  const answer = await host.transact(cid, CTAPHID_CMD.CBOR, bytes, []);
  expect(answer.cmd).toBe(CTAPHID_CMD.CBOR);
  return answer.payload[0] as number;
}

describe('properties', () => {
  it('handleReport never throws on reports of any length and content', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 100 }), { maxLength: 20 }), (reports) => {
        for (const r of reports) device.handleReport(r, () => {});
      }),
      { numRuns: 300 },
    );
    device.powerCycle();
  });

  it('every single-packet message on an allocated channel gets exactly one well-formed answer', async () => {
    const cid = await host.init();
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 0x7f }).filter((c) => c !== CTAPHID_CMD.CANCEL && c !== CTAPHID_CMD.INIT),
        fc.uint8Array({ maxLength: 57 }),
        async (cmd, payload) => {
          host.send(report(cid, [0x80 | cmd, 0, payload.length, ...payload]));
          const answer = await host.nextMessage(cid, { keepalives: [] });
          if (answer.cmd === CTAPHID_CMD.ERROR) expect(KNOWN_HID_ERRORS.has(answer.payload[0] as number)).toBe(true);
          else expect(answer.cmd).toBe(cmd);
          if (answer.cmd === CTAPHID_CMD.CBOR) {
            expect(KNOWN_STATUS.has(answer.payload[0] as number)).toBe(true);
            expect(answer.payload[0]).not.toBe(CTAP2_STATUS.CTAP1_ERR_OTHER);
          }
        },
      ),
      { numRuns: 300 },
    );
    // A random CTAPHID_LOCK above may still hold the device for up to 10 s: release it, or the
    // next tests' fresh channels would (rightly) be answered CHANNEL_BUSY.
    device.powerCycle();
  });

  it('random CBOR parameters to every CTAP2 command get a spec status, never an internal error', async () => {
    const cid = await host.init();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...COMMANDS), cborValue, async (command, params) => {
        const body = encodeCanonicalCbor(params);
        const s = await status(cid, new Uint8Array([command, ...body]));
        expect(KNOWN_STATUS.has(s)).toBe(true);
        expect(s).not.toBe(CTAP2_STATUS.CTAP1_ERR_OTHER);
      }),
      { numRuns: 300 },
    );
  });

  it('valid requests with one member replaced by random CBOR get a spec status, never an internal error', async () => {
    const cid = await host.init();
    const templates: [number, Map<number, unknown>][] = [
      [0x01, mcParams({ rk: true, extensions: new Map([['credProtect', 2]]) })],
      [0x02, gaParams({ allow: [new Uint8Array(64)] })],
      [
        0x06,
        new Map<number, unknown>([
          [1, 2],
          [2, 3],
          [3, new Map()],
          [4, new Uint8Array(32)],
          [5, new Uint8Array(80)],
          [6, new Uint8Array(32)],
        ]),
      ],
      [
        0x0a,
        new Map<number, unknown>([
          [1, 4],
          [2, new Map([[1, new Uint8Array(32)]])],
          [3, 2],
          [4, new Uint8Array(32)],
        ]),
      ],
      [
        0x0d,
        new Map<number, unknown>([
          [1, 3],
          [2, new Map([[1, 6]])],
          [3, 2],
          [4, new Uint8Array(32)],
        ]),
      ],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...templates),
        fc.integer({ min: 1, max: 11 }),
        cborValue,
        async ([command, template], key, value) => {
          const params = new Map(template);
          params.set(key, value);
          const s = await status(cid, new Uint8Array([command, ...encodeCanonicalCbor(params)]));
          expect(KNOWN_STATUS.has(s)).toBe(true);
          expect(s).not.toBe(CTAP2_STATUS.CTAP1_ERR_OTHER);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('random bytes as a CBOR body get a spec status', async () => {
    const cid = await host.init();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...COMMANDS),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        async (command, body) => {
          const s = await status(cid, new Uint8Array([command, ...body]));
          expect(KNOWN_STATUS.has(s)).toBe(true);
          expect(s).not.toBe(CTAP2_STATUS.CTAP1_ERR_OTHER);
        },
      ),
      { numRuns: 300 },
    );
  });
});
