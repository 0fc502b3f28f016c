/** CTAP2 commands over raw CTAPHID: getInfo, makeCredential, getAssertion, getNextAssertion, reset, selection. */

import { concatBytes, encodeCanonicalCbor, randomBytes } from '@keyward/internal';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it } from 'vitest';
import { CTAP2_STATUS, CTAPHID_CMD } from '../src/ctap2/constants.ts';
import { PinProtocol } from '../src/virtual/pin-protocol.ts';
import { delayPresence, denyPresence } from '../src/virtual/presence.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../src/virtual/virtual-authenticator.ts';
import { gaParams, mcParams, parseAuthData, rpHash, TestHost } from './virtual-host.ts';

const S = CTAP2_STATUS;
const devices: VirtualAuthenticator[] = [];
async function setup(options: VirtualAuthenticatorOptions = {}): Promise<{ host: TestHost; cid: number }> {
  const device = new VirtualAuthenticator(options);
  devices.push(device);
  const host = new TestHost(device);
  return { host, cid: await host.init() };
}
afterEach(() => {
  for (const d of devices.splice(0)) d.close();
});

async function raw(host: TestHost, cid: number, bytes: number[]): Promise<number> {
  const answer = await host.transact(cid, CTAPHID_CMD.CBOR, new Uint8Array(bytes));
  return answer.payload[0] as number;
}

describe('authenticatorGetInfo', () => {
  it('reports versions, AAGUID, options, protocols, limits, algorithms and extensions', async () => {
    const { host, cid } = await setup({ aaguid: '01020304-0506-0708-090a-0b0c0d0e0f10', maxCredentials: 7 });
    const { status, body } = await host.cbor(cid, 0x04);
    expect(status).toBe(0);
    expect(body.get(1)).toEqual(['U2F_V2', 'FIDO_2_0', 'FIDO_2_1']);
    expect(body.get(2)).toEqual(['credProtect', 'hmac-secret']);
    expect([...(body.get(3) as Uint8Array)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const options = body.get(4) as Map<string, boolean>;
    expect(Object.fromEntries(options)).toMatchObject({
      rk: true,
      up: true,
      clientPin: false,
      pinUvAuthToken: true,
      credMgmt: true,
      makeCredUvNotRqd: true,
      setMinPINLength: true,
      alwaysUv: false,
      authnrCfg: true,
    });
    expect(options.has('uv')).toBe(false);
    expect(body.get(5)).toBe(2048);
    expect(body.get(6)).toEqual([2, 1]);
    expect(body.get(9)).toEqual(['usb']);
    expect((body.get(10) as Map<string, unknown>[]).map((m) => m.get('alg'))).toEqual([-7, -8]);
    expect(body.get(0x0d)).toBe(4);
    expect(body.get(0x0e)).toBe(1);
    expect(body.get(0x14)).toBe(7);
  });

  it('answers in CTAP2 canonical CBOR (keys sorted, shortest first)', async () => {
    const { host, cid } = await setup();
    const { raw: bytes, body } = await host.cbor(cid, 0x04);
    expect(bytes[1]).toBe(0xa0 + 15); // a map of 15 entries
    expect(bytes[2]).toBe(0x01); // first key 1
    expect([...encodeCanonicalCbor(body)]).toEqual([...bytes.subarray(1)]);
    const mc = await host.cbor(
      cid,
      0x01,
      mcParams({
        extensions: new Map<string, unknown>([
          ['hmac-secret', true],
          ['credProtect', 2],
        ]),
      }),
    );
    expect([...encodeCanonicalCbor(mc.body)]).toEqual([...mc.raw.subarray(1)]);
  });

  it('refuses parameters it does not take (INVALID_LENGTH) and unknown commands (INVALID_COMMAND)', async () => {
    const { host, cid } = await setup();
    expect(await raw(host, cid, [0x04, 0xa0])).toBe(S.CTAP1_ERR_INVALID_LENGTH);
    expect(await raw(host, cid, [0x03])).toBe(S.CTAP1_ERR_INVALID_COMMAND);
    expect(await raw(host, cid, [0x0c, 0xa0])).toBe(S.CTAP1_ERR_INVALID_COMMAND);
    expect(await raw(host, cid, [0x09, 0xa0])).toBe(S.CTAP1_ERR_INVALID_COMMAND);
    expect(await raw(host, cid, [0x77])).toBe(S.CTAP1_ERR_INVALID_COMMAND);
  });
});

describe('authenticatorMakeCredential', () => {
  it('creates an ES256 credential with packed attestation that verifies against the batch certificate', async () => {
    const { host, cid } = await setup();
    const clientDataHash = randomBytes(32);
    const { status, body } = await host.cbor(cid, 0x01, mcParams({ clientDataHash }));
    expect(status).toBe(0);
    expect(body.get(1)).toBe('packed');
    const authData = body.get(2) as Uint8Array;
    const parsed = parseAuthData(authData);
    expect([...parsed.rpIdHash]).toEqual([...rpHash('example.com')]);
    expect(parsed.flags).toBe(0x41); // UP | AT
    expect(parsed.publicKey?.get(3)).toBe(-7);
    const attStmt = body.get(3) as Map<string, unknown>;
    expect(attStmt.get('alg')).toBe(-7);
    const [cert] = attStmt.get('x5c') as Uint8Array[];
    expect(cert).toBeInstanceOf(Uint8Array);
    // The batch public key is the last 65 bytes of the SPKI inside the certificate.
    const spkiPrefix = [0x03, 0x42, 0x00, 0x04];
    const c = cert as Uint8Array;
    let at = -1;
    for (let i = 0; i < c.length - 4; i++) if (spkiPrefix.every((b, j) => c[i + j] === b)) at = i + 3;
    const batchKey = c.slice(at, at + 65);
    const sig = attStmt.get('sig') as Uint8Array;
    expect(p256.verify(sig, concatBytes(authData, clientDataHash), batchKey, { format: 'der' })).toBe(true);
  });

  it('creates an EdDSA credential when only -8 is offered, and refuses unsupported algorithms', async () => {
    const { host, cid } = await setup({ attestation: 'self' });
    const clientDataHash = randomBytes(32);
    const { status, body } = await host.cbor(cid, 0x01, mcParams({ algs: [-257, -8], clientDataHash }));
    expect(status).toBe(0);
    const parsed = parseAuthData(body.get(2) as Uint8Array);
    expect(parsed.publicKey?.get(1)).toBe(1);
    expect(parsed.publicKey?.get(-1)).toBe(6);
    const attStmt = body.get(3) as Map<string, unknown>;
    expect(attStmt.get('alg')).toBe(-8);
    expect(attStmt.has('x5c')).toBe(false);
    const x = parsed.publicKey?.get(-2) as Uint8Array;
    const signed = concatBytes(body.get(2) as Uint8Array, clientDataHash);
    expect(ed25519.verify(attStmt.get('sig') as Uint8Array, signed, x)).toBe(true);
    expect((await host.cbor(cid, 0x01, mcParams({ algs: [-257, -35] }))).status).toBe(
      S.CTAP2_ERR_UNSUPPORTED_ALGORITHM,
    );
  });

  it('gives none attestation when configured or when the platform prefers none', async () => {
    const { host, cid } = await setup({ attestation: 'none' });
    const none = await host.cbor(cid, 0x01, mcParams({}));
    expect(none.body.get(1)).toBe('none');
    expect((none.body.get(3) as Map<string, unknown>).size).toBe(0);
    const packed = await host.cbor(cid, 0x01, mcParams({ extra: [[0x0b, ['packed']]] }));
    expect(packed.body.get(1)).toBe('packed');
    const second = await setup();
    const preferred = await second.host.cbor(
      second.cid,
      0x01,
      mcParams({ extra: [[0x0b, ['tpm', 'none', 'packed']]] }),
    );
    expect(preferred.body.get(1)).toBe('none');
  });

  it('checks parameters: missing → MISSING_PARAMETER, wrong type → CBOR_UNEXPECTED_TYPE, bad CBOR → INVALID_CBOR', async () => {
    const { host, cid } = await setup();
    for (const key of [1, 2, 3, 4]) {
      const params = mcParams({});
      params.delete(key);
      expect((await host.cbor(cid, 0x01, params)).status).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
    }
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[1, 'not bytes']] }))).status).toBe(
      S.CTAP2_ERR_CBOR_UNEXPECTED_TYPE,
    );
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[2, new Map([['name', 'x']])]] }))).status).toBe(
      S.CTAP2_ERR_MISSING_PARAMETER,
    );
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[4, [new Map([['type', 'public-key']])]]] }))).status).toBe(
      S.CTAP2_ERR_MISSING_PARAMETER,
    );
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[7, new Map([['rk', 1]])]] }))).status).toBe(
      S.CTAP2_ERR_CBOR_UNEXPECTED_TYPE,
    );
    expect(await raw(host, cid, [0x01, 0xa1, 0x01])).toBe(S.CTAP2_ERR_INVALID_CBOR);
    expect(await raw(host, cid, [0x01, 0x80])).toBe(S.CTAP2_ERR_CBOR_UNEXPECTED_TYPE);
    expect(await raw(host, cid, [0x01])).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
    expect((await host.cbor(cid, 0x01, mcParams({ userId: new Uint8Array(65) }))).status).toBe(
      S.CTAP1_ERR_INVALID_LENGTH,
    );
  });

  it('refuses up=false, uv without built-in UV, and enterprise attestation', async () => {
    const { host, cid } = await setup();
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[7, new Map([['up', false]])]] }))).status).toBe(
      S.CTAP2_ERR_INVALID_OPTION,
    );
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[7, new Map([['uv', true]])]] }))).status).toBe(
      S.CTAP2_ERR_INVALID_OPTION,
    );
    expect((await host.cbor(cid, 0x01, mcParams({ extra: [[0x0a, 1]] }))).status).toBe(S.CTAP1_ERR_INVALID_PARAMETER);
  });

  it('answers CREDENTIAL_EXCLUDED (after a touch) when the excludeList names one of its credentials', async () => {
    const kinds: string[] = [];
    const { host, cid } = await setup({
      presence: ({ kind }) => {
        kinds.push(kind);
        return true;
      },
    });
    const first = await host.cbor(cid, 0x01, mcParams({}));
    const id = parseAuthData(first.body.get(2) as Uint8Array).credentialId as Uint8Array;
    expect((await host.cbor(cid, 0x01, mcParams({ exclude: [randomBytes(64), id] }))).status).toBe(
      S.CTAP2_ERR_CREDENTIAL_EXCLUDED,
    );
    expect(kinds).toEqual(['makeCredential', 'credentialExcluded']);
    // Another RP's credential id does not exclude.
    expect((await host.cbor(cid, 0x01, mcParams({ rpId: 'other.example', exclude: [id] }))).status).toBe(0);
  });

  it('answers OPERATION_DENIED when the touch is refused or never comes (§6.1.2 step 14)', async () => {
    const { host, cid } = await setup({ presence: denyPresence() });
    expect((await host.cbor(cid, 0x01, mcParams({}))).status).toBe(S.CTAP2_ERR_OPERATION_DENIED);
    const idle = await setup({ presence: delayPresence(0, 'never'), presenceTimeoutMs: 20 });
    expect((await idle.host.cbor(idle.cid, 0x01, mcParams({}), [])).status).toBe(S.CTAP2_ERR_OPERATION_DENIED);
    expect((await idle.host.cbor(idle.cid, 0x02, gaParams({}), [])).status).toBe(S.CTAP2_ERR_NO_CREDENTIALS);
  });

  it('ignores a pinUvAuthParam while no PIN protects the authenticator (no UV flag)', async () => {
    const { host, cid } = await setup();
    const made = await host.cbor(cid, 0x01, mcParams({ pinUvAuthParam: new Uint8Array(32), protocol: 2 }));
    expect(made.status).toBe(0);
    expect(parseAuthData(made.body.get(2) as Uint8Array).flags & 0x04).toBe(0);
  });

  it('answers KEY_STORE_FULL when discoverable slots are used up, but replaces the same user', async () => {
    const { host, cid } = await setup({ maxCredentials: 1 });
    expect((await host.cbor(cid, 0x01, mcParams({ rk: true }))).status).toBe(0);
    expect((await host.cbor(cid, 0x01, mcParams({ rk: true }))).status).toBe(0);
    expect((await host.cbor(cid, 0x01, mcParams({ rk: true, userId: new Uint8Array([9]) }))).status).toBe(
      S.CTAP2_ERR_KEY_STORE_FULL,
    );
    expect(host.device.exportState().credentials.length).toBe(1);
  });
});

describe('authenticatorGetAssertion and GetNextAssertion', () => {
  it('signs with an allowed credential, counts up, and verifies', async () => {
    const { host, cid } = await setup();
    const mc = await host.cbor(cid, 0x01, mcParams({}));
    const made = parseAuthData(mc.body.get(2) as Uint8Array);
    const id = made.credentialId as Uint8Array;
    const point = concatBytes(
      new Uint8Array([4]),
      made.publicKey?.get(-2) as Uint8Array,
      made.publicKey?.get(-3) as Uint8Array,
    );
    const clientDataHash = randomBytes(32);
    const ga = await host.cbor(cid, 0x02, gaParams({ allow: [randomBytes(10), id], clientDataHash }));
    expect(ga.status).toBe(0);
    expect([...((ga.body.get(1) as Map<string, Uint8Array>).get('id') as Uint8Array)]).toEqual([...id]);
    const authData = ga.body.get(2) as Uint8Array;
    const parsed = parseAuthData(authData);
    expect(parsed.flags).toBe(0x01);
    expect(parsed.signCount).toBeGreaterThan(made.signCount);
    expect(ga.body.has(4)).toBe(false); // non-discoverable: no user
    expect(ga.body.has(5)).toBe(false);
    expect(
      p256.verify(ga.body.get(3) as Uint8Array, concatBytes(authData, clientDataHash), point, { format: 'der' }),
    ).toBe(true);
    const again = parseAuthData((await host.cbor(cid, 0x02, gaParams({ allow: [id] }))).body.get(2) as Uint8Array);
    expect(again.signCount).toBe(parsed.signCount + 1);
  });

  it('answers NO_CREDENTIALS for unknown ids, other RPs and an RP without discoverable credentials', async () => {
    const { host, cid } = await setup();
    const mc = await host.cbor(cid, 0x01, mcParams({}));
    const id = parseAuthData(mc.body.get(2) as Uint8Array).credentialId as Uint8Array;
    expect((await host.cbor(cid, 0x02, gaParams({ allow: [randomBytes(64)] }))).status).toBe(
      S.CTAP2_ERR_NO_CREDENTIALS,
    );
    expect((await host.cbor(cid, 0x02, gaParams({ rpId: 'evil.example', allow: [id] }))).status).toBe(
      S.CTAP2_ERR_NO_CREDENTIALS,
    );
    expect((await host.cbor(cid, 0x02, gaParams({}))).status).toBe(S.CTAP2_ERR_NO_CREDENTIALS);
  });

  it('lists discoverable credentials newest first with numberOfCredentials, then GetNextAssertion', async () => {
    const { host, cid } = await setup();
    for (const user of [1, 2, 3]) {
      expect((await host.cbor(cid, 0x01, mcParams({ rk: true, userId: new Uint8Array([user]) }))).status).toBe(0);
    }
    await host.cbor(cid, 0x01, mcParams({ rk: true, rpId: 'other.example' }));
    const first = await host.cbor(cid, 0x02, gaParams({}));
    expect(first.status).toBe(0);
    expect(first.body.get(5)).toBe(3);
    const users = [first.body.get(4) as Map<string, unknown>];
    expect(users[0]?.has('name')).toBe(false); // no UV: no user-identifying fields
    users.push((await host.cbor(cid, 0x08)).body.get(4) as Map<string, unknown>);
    const third = await host.cbor(cid, 0x08);
    expect(third.body.has(5)).toBe(false);
    users.push(third.body.get(4) as Map<string, unknown>);
    expect(users.map((u) => (u.get('id') as Uint8Array)[0])).toEqual([3, 2, 1]);
    expect((await host.cbor(cid, 0x08)).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);
  });

  it('refuses GetNextAssertion after another command or after 30 s', async () => {
    let now = 1_700_000_000_000;
    const { host, cid } = await setup({ now: () => now });
    for (const user of [1, 2, 3]) await host.cbor(cid, 0x01, mcParams({ rk: true, userId: new Uint8Array([user]) }));
    expect((await host.cbor(cid, 0x08)).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);
    await host.cbor(cid, 0x02, gaParams({}));
    await host.cbor(cid, 0x04);
    expect((await host.cbor(cid, 0x08)).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);
    await host.cbor(cid, 0x02, gaParams({}));
    now += 30_001;
    expect((await host.cbor(cid, 0x08)).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);
  });

  it('skips the touch with up=false (UP flag clear) and rejects rk and uv options', async () => {
    const kinds: string[] = [];
    const { host, cid } = await setup({
      presence: ({ kind }) => {
        kinds.push(kind);
        return true;
      },
    });
    const id = parseAuthData((await host.cbor(cid, 0x01, mcParams({}))).body.get(2) as Uint8Array)
      .credentialId as Uint8Array;
    const silent = await host.cbor(cid, 0x02, gaParams({ allow: [id], up: false }));
    expect(parseAuthData(silent.body.get(2) as Uint8Array).flags & 0x01).toBe(0);
    expect(kinds).toEqual(['makeCredential']);
    const withRk = gaParams({ allow: [id] });
    withRk.set(5, new Map([['rk', true]]));
    expect((await host.cbor(cid, 0x02, withRk)).status).toBe(S.CTAP2_ERR_UNSUPPORTED_OPTION);
    withRk.set(5, new Map([['uv', true]]));
    expect((await host.cbor(cid, 0x02, withRk)).status).toBe(S.CTAP2_ERR_INVALID_OPTION);
    const missing = gaParams({});
    missing.delete(2);
    expect((await host.cbor(cid, 0x02, missing)).status).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
  });

  it('honours credProtect: level 2 is not discoverable without UV, level 3 not usable without UV', async () => {
    const { host, cid } = await setup();
    const make = async (level: number, user: number) => {
      const r = await host.cbor(
        cid,
        0x01,
        mcParams({ rk: true, userId: new Uint8Array([user]), extensions: new Map([['credProtect', level]]) }),
      );
      expect(r.status).toBe(0);
      const parsed = parseAuthData(r.body.get(2) as Uint8Array);
      expect(parsed.extensions?.get('credProtect')).toBe(level);
      return parsed.credentialId as Uint8Array;
    };
    await make(1, 1);
    const id2 = await make(2, 2);
    const id3 = await make(3, 3);
    const discovered = await host.cbor(cid, 0x02, gaParams({}));
    expect(discovered.body.has(5)).toBe(false); // only the level-1 credential
    expect(((discovered.body.get(4) as Map<string, Uint8Array>).get('id') as Uint8Array)[0]).toBe(1);
    expect((await host.cbor(cid, 0x02, gaParams({ allow: [id2] }))).status).toBe(0);
    expect((await host.cbor(cid, 0x02, gaParams({ allow: [id3] }))).status).toBe(S.CTAP2_ERR_NO_CREDENTIALS);
    // A level-3 credential does not exclude without UV.
    expect((await host.cbor(cid, 0x01, mcParams({ exclude: [id3] }))).status).toBe(0);
  });

  it('computes hmac-secret outputs, stable per credential and salt, with protocols 1 and 2', async () => {
    const { host, cid } = await setup();
    const mc = await host.cbor(cid, 0x01, mcParams({ extensions: new Map([['hmac-secret', true]]) }));
    expect(parseAuthData(mc.body.get(2) as Uint8Array).extensions?.get('hmac-secret')).toBe(true);
    const id = parseAuthData(mc.body.get(2) as Uint8Array).credentialId as Uint8Array;
    const salt = new Uint8Array(32).fill(0x5a);
    const outputs: Uint8Array[] = [];
    for (const version of [2, 1] as const) {
      const ka = await host.cbor(
        cid,
        0x06,
        new Map<number, unknown>([
          [1, version],
          [2, 2],
        ]),
      );
      const platform = new PinProtocol(version, randomBytes);
      const shared = platform.decapsulate(ka.body.get(1) as Map<unknown, unknown>);
      const saltEnc = platform.encrypt(shared, salt);
      const ext = new Map<string, unknown>([
        [
          'hmac-secret',
          new Map<number, unknown>([
            [1, platform.publicKey()],
            [2, saltEnc],
            [3, platform.authenticate(shared, saltEnc)],
            [4, version],
          ]),
        ],
      ]);
      const ga = await host.cbor(cid, 0x02, gaParams({ allow: [id], extensions: ext }));
      expect(ga.status).toBe(0);
      const parsed = parseAuthData(ga.body.get(2) as Uint8Array);
      expect(parsed.flags & 0x80).toBe(0x80);
      const output = platform.decrypt(shared, parsed.extensions?.get('hmac-secret') as Uint8Array) as Uint8Array;
      expect(output.length).toBe(32);
      outputs.push(output);
      // A wrong saltAuth is refused.
      const bad = new Map(ext);
      bad.set(
        'hmac-secret',
        new Map<number, unknown>([
          [1, platform.publicKey()],
          [2, saltEnc],
          [3, new Uint8Array(version === 1 ? 16 : 32)],
          [4, version],
        ]),
      );
      expect((await host.cbor(cid, 0x02, gaParams({ allow: [id], extensions: bad }))).status).toBe(
        S.CTAP2_ERR_PIN_AUTH_INVALID,
      );
    }
    expect([...(outputs[0] as Uint8Array)]).toEqual([...(outputs[1] as Uint8Array)]);
    expect([...(outputs[0] as Uint8Array)]).not.toEqual([...hmac(sha256, salt, salt)]);
  });
});

describe('authenticatorReset and authenticatorSelection', () => {
  it('wipes credentials and PIN within 10 s of power-up, after a touch', async () => {
    const { host, cid } = await setup();
    const id = parseAuthData((await host.cbor(cid, 0x01, mcParams({ rk: true }))).body.get(2) as Uint8Array)
      .credentialId as Uint8Array;
    expect((await host.cbor(cid, 0x07)).status).toBe(0);
    expect(host.device.exportState().credentials).toEqual([]);
    expect((await host.cbor(cid, 0x02, gaParams({ allow: [id] }))).status).toBe(S.CTAP2_ERR_NO_CREDENTIALS);
  });

  it('refuses reset more than 10 s after power-up (NOT_ALLOWED) until the next power cycle', async () => {
    let now = 1_700_000_000_000;
    const { host } = await setup({ now: () => now });
    const cid = await host.init();
    now += 10_001;
    expect((await host.cbor(cid, 0x07)).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);
    host.device.powerCycle();
    const cid2 = await host.init();
    expect((await host.cbor(cid2, 0x07)).status).toBe(0);
  });

  it('answers OPERATION_DENIED to a refused reset and USER_ACTION_TIMEOUT to an unanswered one', async () => {
    const denied = await setup({ presence: denyPresence() });
    await denied.host.cbor(denied.cid, 0x01, mcParams({ rk: true, extra: [[7, new Map([['rk', true]])]] }));
    expect((await denied.host.cbor(denied.cid, 0x07)).status).toBe(S.CTAP2_ERR_OPERATION_DENIED);
    const idle = await setup({ presence: delayPresence(0, 'never'), presenceTimeoutMs: 20 });
    expect((await idle.host.cbor(idle.cid, 0x07, undefined, [])).status).toBe(S.CTAP2_ERR_USER_ACTION_TIMEOUT);
  });

  it('selection answers OK after a touch', async () => {
    const { host, cid } = await setup({ presence: delayPresence(5) });
    const keepalives: number[] = [];
    expect((await host.cbor(cid, 0x0b, undefined, keepalives)).status).toBe(0);
  });
});
