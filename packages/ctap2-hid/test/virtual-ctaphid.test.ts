/** Raw CTAPHID report sequences against the virtual authenticator (CTAP 2.1 §11.2). */
import { afterEach, describe, expect, it } from 'vitest';
import { CTAPHID_BROADCAST_CID, CTAPHID_CMD, CTAPHID_ERR } from '../src/ctap2/constants.ts';
import { approvePresence, delayPresence, denyPresence } from '../src/virtual/presence.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../src/virtual/virtual-authenticator.ts';
import { frames, mcParams, report, TestHost } from './virtual-host.ts';

const devices: VirtualAuthenticator[] = [];
function setup(options: VirtualAuthenticatorOptions = {}): TestHost {
  const device = new VirtualAuthenticator(options);
  devices.push(device);
  return new TestHost(device);
}
afterEach(() => {
  for (const d of devices.splice(0)) d.close();
});

function errorCode(frame: { cmd: number; payload: Uint8Array }): number | undefined {
  return frame.cmd === CTAPHID_CMD.ERROR ? frame.payload[0] : undefined;
}

describe('CTAPHID_INIT', () => {
  it('echoes the nonce on the broadcast channel and allocates a fresh channel with capabilities', async () => {
    const host = setup();
    const nonce = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    host.send(report(CTAPHID_BROADCAST_CID, [0x86, 0, 8, ...nonce]));
    const answer = await host.nextMessage(CTAPHID_BROADCAST_CID);
    expect(answer.cmd).toBe(CTAPHID_CMD.INIT);
    expect(answer.payload.length).toBe(17);
    expect([...answer.payload.subarray(0, 8)]).toEqual([...nonce]);
    const cid = new DataView(answer.payload.buffer).getUint32(8);
    expect(cid).not.toBe(0);
    expect(cid).not.toBe(CTAPHID_BROADCAST_CID);
    expect(answer.payload[12]).toBe(2); // CTAPHID protocol version
    expect(answer.payload[16]).toBe(0x01 | 0x04); // WINK | CBOR, and MSG supported (no NMSG)
    const second = await host.init();
    expect(second).not.toBe(cid);
  });

  it('answers INVALID_LEN to an INIT whose payload is not an 8-byte nonce', async () => {
    const host = setup();
    host.send(report(CTAPHID_BROADCAST_CID, [0x86, 0, 4, 1, 2, 3, 4]));
    expect(errorCode(await host.nextMessage(CTAPHID_BROADCAST_CID))).toBe(CTAPHID_ERR.INVALID_LEN);
  });

  it('answers INVALID_CHANNEL to INIT on a channel it never allocated, and to channel 0', async () => {
    const host = setup();
    host.send(report(0x01020304, [0x86, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(errorCode(await host.nextMessage(0x01020304))).toBe(CTAPHID_ERR.INVALID_CHANNEL);
    host.send(report(0, [0x81, 0, 1, 9]));
    expect(errorCode(await host.nextMessage(0))).toBe(CTAPHID_ERR.INVALID_CHANNEL);
  });

  it('resynchronises an allocated channel: INIT on it keeps the CID and drops a half-sent message', async () => {
    const host = setup();
    const cid = await host.init();
    const ping = frames(cid, CTAPHID_CMD.PING, new Uint8Array(100).fill(7));
    host.send(ping[0] as Uint8Array); // message left incomplete
    host.send(report(cid, [0x86, 0, 8, 9, 9, 9, 9, 9, 9, 9, 9]));
    const answer = await host.nextMessage(cid);
    expect(answer.cmd).toBe(CTAPHID_CMD.INIT);
    expect(new DataView(answer.payload.buffer).getUint32(8)).toBe(cid);
    const echo = await host.transact(cid, CTAPHID_CMD.PING, new Uint8Array([1, 2, 3]));
    expect([...echo.payload]).toEqual([1, 2, 3]);
  });
});

describe('PING, WINK, LOCK and unknown commands', () => {
  it('echoes a PING fragmented over many continuation packets', async () => {
    const host = setup();
    const cid = await host.init();
    const payload = Uint8Array.from({ length: 2000 }, (_, i) => i & 0xff);
    const answer = await host.transact(cid, CTAPHID_CMD.PING, payload);
    expect(answer.cmd).toBe(CTAPHID_CMD.PING);
    expect([...answer.payload]).toEqual([...payload]);
  });

  it('carries the largest message CTAPHID framing allows (7609 bytes: init + 128 continuations), not one byte more', async () => {
    const host = setup({ maxMsgSize: 7609 });
    const cid = await host.init();
    const payload = Uint8Array.from({ length: 7609 }, (_, i) => (i * 7) & 0xff);
    const parts = frames(cid, CTAPHID_CMD.PING, payload);
    expect(parts.length).toBe(129);
    expect(parts.at(-1)?.[4]).toBe(127);
    const answer = await host.transact(cid, CTAPHID_CMD.PING, payload);
    expect([...answer.payload]).toEqual([...payload]);
    host.send(report(cid, [0x81, 0x1d, 0xba])); // 7610
    expect(errorCode(await host.nextMessage(cid))).toBe(CTAPHID_ERR.INVALID_LEN);
  });

  it('refuses a message longer than maxMsgSize with INVALID_LEN', async () => {
    const host = setup({ maxMsgSize: 1024 });
    const cid = await host.init();
    host.send(report(cid, [0x81, 0x04, 0x01]));
    expect(errorCode(await host.nextMessage(cid))).toBe(CTAPHID_ERR.INVALID_LEN);
  });

  it('winks (calling onWink) and refuses a WINK with data', async () => {
    let winks = 0;
    const host = setup({ onWink: () => winks++ });
    const cid = await host.init();
    const answer = await host.transact(cid, CTAPHID_CMD.WINK, new Uint8Array(0));
    expect(answer.cmd).toBe(CTAPHID_CMD.WINK);
    expect(winks).toBe(1);
    expect(errorCode(await host.transact(cid, CTAPHID_CMD.WINK, new Uint8Array([1])))).toBe(CTAPHID_ERR.INVALID_LEN);
  });

  it('LOCK keeps other channels out (CHANNEL_BUSY) until unlocked; bad LOCK values are refused', async () => {
    const host = setup();
    const a = await host.init();
    const b = await host.init();
    expect((await host.transact(a, CTAPHID_CMD.LOCK, new Uint8Array([5]))).cmd).toBe(CTAPHID_CMD.LOCK);
    expect(errorCode(await host.transact(b, CTAPHID_CMD.PING, new Uint8Array([1])))).toBe(CTAPHID_ERR.CHANNEL_BUSY);
    expect((await host.transact(a, CTAPHID_CMD.PING, new Uint8Array([1]))).cmd).toBe(CTAPHID_CMD.PING);
    expect((await host.transact(a, CTAPHID_CMD.LOCK, new Uint8Array([0]))).cmd).toBe(CTAPHID_CMD.LOCK);
    expect((await host.transact(b, CTAPHID_CMD.PING, new Uint8Array([1]))).cmd).toBe(CTAPHID_CMD.PING);
    expect(errorCode(await host.transact(a, CTAPHID_CMD.LOCK, new Uint8Array([11])))).toBe(CTAPHID_ERR.INVALID_PAR);
    expect(errorCode(await host.transact(a, CTAPHID_CMD.LOCK, new Uint8Array([])))).toBe(CTAPHID_ERR.INVALID_LEN);
  });

  it('answers INVALID_CMD to unknown, vendor and device-only commands', async () => {
    const host = setup();
    const cid = await host.init();
    for (const cmd of [0x02, 0x40, 0x7e, CTAPHID_CMD.KEEPALIVE, CTAPHID_CMD.ERROR]) {
      expect(errorCode(await host.transact(cid, cmd, new Uint8Array(0)))).toBe(CTAPHID_ERR.INVALID_CMD);
    }
  });

  it('answers INVALID_CHANNEL to commands on the broadcast channel or an unknown channel', async () => {
    const host = setup();
    await host.init();
    expect(errorCode(await host.transact(CTAPHID_BROADCAST_CID, CTAPHID_CMD.PING, new Uint8Array([1])))).toBe(
      CTAPHID_ERR.INVALID_CHANNEL,
    );
    expect(errorCode(await host.transact(0x0badcafe, CTAPHID_CMD.PING, new Uint8Array([1])))).toBe(
      CTAPHID_ERR.INVALID_CHANNEL,
    );
  });

  it('answers INVALID_LEN to a report that is not 64 bytes', async () => {
    const host = setup();
    const cid = await host.init();
    const short = report(cid, [0x81, 0, 1, 1]).subarray(0, 20);
    host.send(short);
    expect(errorCode(await host.nextMessage(cid))).toBe(CTAPHID_ERR.INVALID_LEN);
  });

  it('answers INVALID_LEN to an empty CBOR message', async () => {
    const host = setup();
    const cid = await host.init();
    expect(errorCode(await host.transact(cid, CTAPHID_CMD.CBOR, new Uint8Array(0)))).toBe(CTAPHID_ERR.INVALID_LEN);
  });
});

describe('fragmentation errors and timeouts', () => {
  it('answers INVALID_SEQ to an out-of-order continuation and forgets the message', async () => {
    const host = setup();
    const cid = await host.init();
    const parts = frames(cid, CTAPHID_CMD.PING, new Uint8Array(200).fill(1));
    host.send(parts[0] as Uint8Array);
    host.send(parts[2] as Uint8Array); // seq 1 where 0 was due
    expect(errorCode(await host.nextMessage(cid))).toBe(CTAPHID_ERR.INVALID_SEQ);
    host.send(parts[1] as Uint8Array); // stray continuation: ignored
    expect((await host.transact(cid, CTAPHID_CMD.PING, new Uint8Array([5]))).payload[0]).toBe(5);
  });

  it('answers INVALID_SEQ to a new initialization packet in the middle of a message on the same channel', async () => {
    const host = setup();
    const cid = await host.init();
    host.send(frames(cid, CTAPHID_CMD.PING, new Uint8Array(100))[0] as Uint8Array);
    host.send(report(cid, [0x81, 0, 1, 1]));
    expect(errorCode(await host.nextMessage(cid))).toBe(CTAPHID_ERR.INVALID_SEQ);
  });

  it('answers MSG_TIMEOUT when the rest of a message never comes', async () => {
    const host = setup({ messageTimeoutMs: 20 });
    const cid = await host.init();
    host.send(frames(cid, CTAPHID_CMD.PING, new Uint8Array(100))[0] as Uint8Array);
    expect(errorCode(await host.nextMessage(cid))).toBe(CTAPHID_ERR.MSG_TIMEOUT);
    expect((await host.transact(cid, CTAPHID_CMD.PING, new Uint8Array([3]))).payload[0]).toBe(3);
  });
});

describe('two channels', () => {
  it('keeps a second channel out while the first sends a fragmented message, then serves both', async () => {
    const host = setup();
    const a = await host.init();
    const b = await host.init();
    const long = frames(
      a,
      CTAPHID_CMD.PING,
      Uint8Array.from({ length: 150 }, (_, i) => i),
    );
    host.send(long[0] as Uint8Array);
    host.send(report(b, [0x81, 0, 1, 42]));
    expect(errorCode(await host.nextMessage(b))).toBe(CTAPHID_ERR.CHANNEL_BUSY);
    host.send(report(b, [0x00, 1, 2, 3])); // a continuation from b is no better
    expect(errorCode(await host.nextMessage(b))).toBe(CTAPHID_ERR.CHANNEL_BUSY);
    for (const r of long.slice(1)) host.send(r);
    const echoed = await host.nextMessage(a);
    expect(echoed.payload.length).toBe(150);
    expect(echoed.payload[149]).toBe(149);
    expect((await host.transact(b, CTAPHID_CMD.PING, new Uint8Array([42]))).payload[0]).toBe(42);
  });

  it('answers CHANNEL_BUSY to another channel while a CBOR request waits for a touch, and completes the first', async () => {
    let release: (v: boolean) => void = () => {};
    const host = setup({ presence: () => new Promise<boolean>((r) => (release = r)) });
    const a = await host.init();
    const b = await host.init();
    const keepalives: number[] = [];
    host.sendMessage(a, CTAPHID_CMD.CBOR, new Uint8Array([0x0b])); // selection
    const first = await host.nextMessage(a);
    expect(first.cmd).toBe(CTAPHID_CMD.KEEPALIVE);
    expect(first.payload[0]).toBe(2); // STATUS_UPNEEDED
    expect(errorCode(await host.transact(b, CTAPHID_CMD.CBOR, new Uint8Array([0x04])))).toBe(CTAPHID_ERR.CHANNEL_BUSY);
    release(true);
    const answer = await host.nextMessage(a, { keepalives });
    expect(answer.cmd).toBe(CTAPHID_CMD.CBOR);
    expect([...answer.payload]).toEqual([0]);
    expect((await host.cbor(b, 0x04)).status).toBe(0);
  });

  it('serves two channels taking turns with interleaved CBOR requests', async () => {
    const host = setup({ presence: approvePresence() });
    const a = await host.init();
    const b = await host.init();
    expect((await host.cbor(a, 0x04)).status).toBe(0);
    const mcA = await host.cbor(a, 0x01, mcParams({ rpId: 'a.example' }));
    const mcB = await host.cbor(b, 0x01, mcParams({ rpId: 'b.example', rk: true }));
    expect([mcA.status, mcB.status]).toEqual([0, 0]);
    expect(
      (
        await host.cbor(
          a,
          0x02,
          new Map<number, unknown>([
            [1, 'b.example'],
            [2, new Uint8Array(32)],
          ]),
        )
      ).status,
    ).toBe(0);
  });
});

describe('keepalive, cancel and presence outcomes', () => {
  it('sends KEEPALIVE STATUS_UPNEEDED while waiting and ends with KEEPALIVE_CANCEL after CTAPHID_CANCEL', async () => {
    const host = setup({ presence: delayPresence(0, 'never'), keepaliveIntervalMs: 5 });
    const cid = await host.init();
    host.sendMessage(cid, CTAPHID_CMD.CBOR, new Uint8Array([0x0b]));
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const k = await host.nextMessage(cid);
      expect(k.cmd).toBe(CTAPHID_CMD.KEEPALIVE);
      statuses.push(k.payload[0] as number);
    }
    expect(statuses).toEqual([2, 2, 2]);
    host.send(report(cid, [0x80 | CTAPHID_CMD.CANCEL, 0, 0]));
    const answer = await host.nextMessage(cid, { keepalives: [] });
    expect(answer.cmd).toBe(CTAPHID_CMD.CBOR);
    expect([...answer.payload]).toEqual([0x2d]);
  });

  it('ignores CANCEL from another channel and when nothing is pending', async () => {
    let release: (v: boolean) => void = () => {};
    const host = setup({ presence: () => new Promise<boolean>((r) => (release = r)) });
    const a = await host.init();
    const b = await host.init();
    host.send(report(a, [0x80 | CTAPHID_CMD.CANCEL, 0, 0])); // idle: no answer
    host.sendMessage(a, CTAPHID_CMD.CBOR, new Uint8Array([0x0b]));
    expect((await host.nextMessage(a)).cmd).toBe(CTAPHID_CMD.KEEPALIVE);
    host.send(report(b, [0x80 | CTAPHID_CMD.CANCEL, 0, 0]));
    release(true);
    const answer = await host.nextMessage(a, { keepalives: [] });
    expect([...answer.payload]).toEqual([0]);
    expect(host.received.filter((r) => new DataView(r.buffer).getUint32(0) === b)).toEqual([]);
  });

  it('answers OPERATION_DENIED when the user refuses and USER_ACTION_TIMEOUT when nobody touches', async () => {
    const denied = setup({ presence: denyPresence() });
    const cid = await denied.init();
    expect((await denied.cbor(cid, 0x0b)).status).toBe(0x27);
    const idle = setup({ presence: delayPresence(0, 'never'), presenceTimeoutMs: 30 });
    const cid2 = await idle.init();
    expect((await idle.cbor(cid2, 0x0b, undefined, [])).status).toBe(0x2f);
  });

  it('forgets channels on power cycle', async () => {
    const host = setup();
    const cid = await host.init();
    host.device.powerCycle();
    expect(errorCode(await host.transact(cid, CTAPHID_CMD.PING, new Uint8Array([1])))).toBe(
      CTAPHID_ERR.INVALID_CHANNEL,
    );
  });

  it('stays silent after close', async () => {
    const host = setup();
    const cid = await host.init();
    host.device.close();
    host.sendMessage(cid, CTAPHID_CMD.PING, new Uint8Array([1]));
    host.send(report(CTAPHID_BROADCAST_CID, [0x86, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8]));
    expect(host.received).toEqual([]);
  });
});
