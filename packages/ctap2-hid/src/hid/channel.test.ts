/** CTAPHID channel against a scripted device: INIT, keepalive, cancel, timeouts and every kind of bad answer. */
import { encodeCanonicalCbor } from '@keyward/internal';
import { describe, expect, it } from 'vitest';
import { CID, FakeTransport, initAnswer, withInit } from '../../test/support/fake-transport.ts';
import { Ctap2Client } from '../client/ctap2-client.ts';
import { CTAPHID_CMD } from '../ctap2/constants.ts';
import { isCtapError } from '../errors.ts';
import { CtapHidChannel, type KeepaliveStatus } from './channel.ts';

const NONCE = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
const fixedNonce = () => NONCE.slice();

function report(cid: number, byte4: number, rest: number[] = []): Uint8Array {
  const out = new Uint8Array(64);
  new DataView(out.buffer).setUint32(0, cid);
  out[4] = byte4;
  out.set(rest, 5);
  return out;
}

async function channel(then: (report: Uint8Array, device: FakeTransport) => void, options = {}) {
  const device = new FakeTransport(withInit(then));
  const ch = await CtapHidChannel.open(device, { timeoutMs: 200, random: fixedNonce, ...options });
  return { device, ch };
}

describe('CTAPHID_INIT', () => {
  it('sends INIT on the broadcast channel with the nonce and takes the allocated channel', async () => {
    const device = new FakeTransport(withInit(() => undefined));
    const ch = await CtapHidChannel.open(device, { random: fixedNonce });
    const init = device.sent[0] as Uint8Array;
    expect([...init.subarray(0, 7)]).toEqual([0xff, 0xff, 0xff, 0xff, 0x86, 0, 8]);
    expect([...init.subarray(7, 15)]).toEqual([...NONCE]);
    expect(ch.device).toMatchObject({
      cid: CID,
      protocolVersion: 2,
      deviceVersion: [1, 2, 3],
      cbor: true,
      wink: true,
      msg: true,
    });
  });

  it('skips INIT answers with another nonce (another host) and takes the matching one', async () => {
    const device = new FakeTransport((r, d) => {
      d.answer(0xffffffff, 0x06, initAnswer(new Uint8Array(8).fill(9), 0x0a0b0c0d));
      d.answer(0xffffffff, 0x06, initAnswer(r.subarray(7, 15)));
    });
    const ch = await CtapHidChannel.open(device, { random: fixedNonce, timeoutMs: 200 });
    expect(ch.device.cid).toBe(CID);
  });

  it('only wrong nonces: ERR_NONCE_MISMATCH', async () => {
    const device = new FakeTransport((_r, d) => d.answer(0xffffffff, 0x06, initAnswer(new Uint8Array(8).fill(9))));
    await expect(CtapHidChannel.open(device, { random: fixedNonce, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ERR_NONCE_MISMATCH',
    });
  });

  it('no answer: ERR_TIMEOUT', async () => {
    await expect(CtapHidChannel.open(new FakeTransport(), { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    });
  });

  it('a short INIT answer or a reserved channel: ERR_MALFORMED', async () => {
    const short = new FakeTransport((r, d) => d.answer(0xffffffff, 0x06, r.slice(7, 17)));
    await expect(CtapHidChannel.open(short, { random: fixedNonce, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ERR_MALFORMED',
    });
    for (const cid of [0, 0xffffffff]) {
      const reserved = new FakeTransport((r, d) => d.answer(0xffffffff, 0x06, initAnswer(r.subarray(7, 15), cid)));
      await expect(CtapHidChannel.open(reserved, { random: fixedNonce, timeoutMs: 100 })).rejects.toMatchObject({
        code: 'ERR_MALFORMED',
      });
    }
  });

  it('a nonce source that does not give 8 bytes: ERR_INVALID_ARGUMENT', async () => {
    await expect(CtapHidChannel.open(new FakeTransport(), { random: () => new Uint8Array(4) })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('answers on the channel', () => {
  it('reassembles a fragmented answer and reports keepalive changes once each', async () => {
    const payload = Uint8Array.from({ length: 500 }, (_, i) => i & 0xff);
    const { ch } = await channel((_r, d) => {
      d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 1]));
      d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 1]));
      d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 2]));
      d.push(report(0x99999999, 0x80 | CTAPHID_CMD.CBOR, [0, 1, 0])); // another channel: skipped
      d.answer(CID, CTAPHID_CMD.CBOR, payload);
    });
    const seen: KeepaliveStatus[] = [];
    expect(await ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4), { onKeepalive: (s) => seen.push(s) })).toEqual(payload);
    expect(seen).toEqual(['processing', 'upNeeded']);
  });

  const bad: [string, (d: FakeTransport) => void, string][] = [
    ['a truncated report', (d) => d.push(new Uint8Array(20)), 'ERR_MALFORMED'],
    ['an oversized report', (d) => d.push(new Uint8Array(65)), 'ERR_MALFORMED'],
    ['a BCNT above 7609', (d) => d.push(report(CID, 0x80 | CTAPHID_CMD.CBOR, [0x1f, 0xff])), 'ERR_MALFORMED'],
    ['another command', (d) => d.push(report(CID, 0x80 | CTAPHID_CMD.PING, [0, 1])), 'ERR_MALFORMED'],
    ['a stray continuation', (d) => d.push(report(CID, 0x00)), 'ERR_MALFORMED'],
    [
      'a wrong sequence number',
      (d) => {
        d.push(report(CID, 0x80 | CTAPHID_CMD.CBOR, [0, 100]));
        d.push(report(CID, 0x01));
      },
      'ERR_MALFORMED',
    ],
    [
      'a keepalive inside a message',
      (d) => {
        d.push(report(CID, 0x80 | CTAPHID_CMD.CBOR, [0, 100]));
        d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 1]));
      },
      'ERR_MALFORMED',
    ],
    [
      'an unknown keepalive status',
      (d) => d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 7])),
      'ERR_MALFORMED',
    ],
    ['only other channels', (d) => d.push(report(0x0badcafe, 0x80 | CTAPHID_CMD.CBOR, [0, 1, 0])), 'ERR_TIMEOUT'],
    ['nothing at all', () => undefined, 'ERR_TIMEOUT'],
    ['half a message, then silence', (d) => d.push(report(CID, 0x80 | CTAPHID_CMD.CBOR, [0, 200])), 'ERR_TIMEOUT'],
  ];
  for (const [name, script, code] of bad) {
    it(`${name}: ${code}`, async () => {
      const { ch } = await channel((_r, d) => script(d));
      await expect(ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4))).rejects.toMatchObject({ code });
    });
  }

  it('skips the late KEEPALIVE_CANCEL end of an earlier cancelled request', async () => {
    const { ch } = await channel((_r, d) => {
      d.answer(CID, CTAPHID_CMD.CBOR, Uint8Array.of(0x2d));
      d.answer(CID, CTAPHID_CMD.CBOR, Uint8Array.of(0, 0xa0));
    });
    expect(await ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4))).toEqual(Uint8Array.of(0, 0xa0));
  });

  it('CTAPHID_ERROR: ERR_DEVICE with the code', async () => {
    const { ch } = await channel((_r, d) => d.push(report(CID, 0x80 | CTAPHID_CMD.ERROR, [0, 1, 0x06])));
    await expect(ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4))).rejects.toMatchObject({
      code: 'ERR_DEVICE',
      hidError: 6,
    });
  });

  it('keepalives forever: ERR_TIMEOUT after operationTimeoutMs', async () => {
    const { ch, device } = await channel((r, d) => {
      if (r[4] !== (0x80 | CTAPHID_CMD.CBOR)) return;
      const timer = setInterval(() => d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 1])), 10);
      setTimeout(() => clearInterval(timer), 1000);
    });
    await expect(ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4), { operationTimeoutMs: 150 })).rejects.toMatchObject({
      code: 'ERR_TIMEOUT',
    });
    // The host gave up, so it told the key to stop too.
    expect(device.sent.some((r) => r[4] === (0x80 | CTAPHID_CMD.CANCEL))).toBe(true);
  });

  it('abort sends CTAPHID_CANCEL; a key that ignores it still ends in ERR_CANCELLED', async () => {
    const { ch, device } = await channel(
      (r, d) => {
        if (r[4] !== (0x80 | CTAPHID_CMD.CBOR)) return;
        const timer = setInterval(() => d.push(report(CID, 0x80 | CTAPHID_CMD.KEEPALIVE, [0, 1, 2])), 10);
        setTimeout(() => clearInterval(timer), 1000);
      },
      { cancelGraceMs: 100 },
    );
    const controller = new AbortController();
    const pending = ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4), {
      signal: controller.signal,
      onKeepalive: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    expect(device.sent.some((r) => r[4] === (0x80 | CTAPHID_CMD.CANCEL))).toBe(true);
  });

  it('transport failures become ERR_TRANSPORT', async () => {
    const { ch, device } = await channel(() => undefined);
    device.send = async () => {
      throw new Error('unplugged');
    };
    await expect(ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4))).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
    const other = await channel(() => undefined);
    other.device.receive = async () => {
      throw new Error('read failed');
    };
    await expect(other.ch.call(CTAPHID_CMD.CBOR, Uint8Array.of(4))).rejects.toMatchObject({ code: 'ERR_TRANSPORT' });
  });

  it('calls are queued one at a time', async () => {
    const { ch } = await channel((r, d) => d.answer(CID, CTAPHID_CMD.PING, r.subarray(7, 7 + (r[6] as number))));
    const answers = await Promise.all([1, 2, 3].map((n) => ch.call(CTAPHID_CMD.PING, Uint8Array.of(n))));
    expect(answers.map((a) => a[0])).toEqual([1, 2, 3]);
  });
});

describe('CTAP2 answers through Ctap2Client', () => {
  async function client(answer: Uint8Array | ((request: Uint8Array) => Uint8Array)) {
    const info = encodeCanonicalCbor(
      new Map<unknown, unknown>([
        [1, ['FIDO_2_0']],
        [3, new Uint8Array(16)],
      ]),
    );
    let opened = false;
    const device = new FakeTransport(
      withInit((r, d) => {
        if (r[4] !== (0x80 | CTAPHID_CMD.CBOR)) return;
        if (!opened) {
          opened = true;
          d.answer(CID, CTAPHID_CMD.CBOR, Uint8Array.of(0, ...info));
          return;
        }
        d.answer(CID, CTAPHID_CMD.CBOR, typeof answer === 'function' ? answer(r) : answer);
      }),
    );
    return Ctap2Client.open(device, { timeoutMs: 200 });
  }

  it('a status byte becomes CtapError with the spec name and an explanation', async () => {
    const c = await client(Uint8Array.of(0x32));
    const error = await c.getInfo().catch((e: unknown) => e);
    expect(isCtapError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'CTAP2_ERR_PIN_BLOCKED', status: 0x32 });
    expect((error as Error).message).toContain('Reset the key');
    await expect((await client(Uint8Array.of(0xf3))).getInfo()).rejects.toMatchObject({
      code: 'CTAP2_ERR_UNKNOWN',
      status: 0xf3,
    });
  });

  it('garbage CBOR, an empty answer, a non-map and a getInfo without required fields: ERR_MALFORMED', async () => {
    for (const answer of [
      Uint8Array.of(0, 0xff, 0x00),
      new Uint8Array(0),
      Uint8Array.of(0, 0x01),
      Uint8Array.of(0, ...encodeCanonicalCbor(new Map([[1, ['FIDO_2_0']]]))),
      Uint8Array.of(
        0,
        ...encodeCanonicalCbor(
          new Map<unknown, unknown>([
            [1, 'x'],
            [3, new Uint8Array(16)],
          ]),
        ),
      ),
      Uint8Array.of(0, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff),
    ]) {
      await expect((await client(answer)).getInfo()).rejects.toMatchObject({ code: 'ERR_MALFORMED' });
    }
  });

  it('a CTAP 2.0 key without wink capability: ERR_UNSUPPORTED', async () => {
    const device = new FakeTransport(withInit(() => undefined, 0x00));
    const c = await Ctap2Client.open(device, { timeoutMs: 100 });
    await expect(c.wink()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });
});
