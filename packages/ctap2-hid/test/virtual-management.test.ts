/** authenticatorCredentialManagement and authenticatorConfig over raw CTAPHID. */
import { concatBytes, encodeCanonicalCbor } from '@keyward/internal';
import { afterEach, describe, expect, it } from 'vitest';
import { CTAP2_STATUS, PIN_PERMISSION } from '../src/ctap2/constants.ts';
import type { PinProtocol } from '../src/virtual/pin-protocol.ts';
import { VirtualAuthenticator, type VirtualAuthenticatorOptions } from '../src/virtual/virtual-authenticator.ts';
import { gaParams, mcParams, PinClient, parseAuthData, rpHash, TestHost } from './virtual-host.ts';

const S = CTAP2_STATUS;
const devices: VirtualAuthenticator[] = [];
async function setup(
  options: VirtualAuthenticatorOptions = {},
): Promise<{ host: TestHost; cid: number; pin: PinClient }> {
  const device = new VirtualAuthenticator(options);
  devices.push(device);
  const host = new TestHost(device);
  const cid = await host.init();
  return { host, cid, pin: new PinClient(host, cid) };
}
afterEach(() => {
  for (const d of devices.splice(0)) d.close();
});

interface Token {
  token: Uint8Array;
  platform: PinProtocol;
}

async function cm(
  host: TestHost,
  cid: number,
  auth: Token | undefined,
  sub: number,
  params?: Map<number, unknown>,
  command = 0x0a,
) {
  const request = new Map<number, unknown>([[1, sub]]);
  if (params) request.set(2, params);
  if (auth) {
    const message = concatBytes(new Uint8Array([sub]), params ? encodeCanonicalCbor(params) : new Uint8Array(0));
    request.set(3, 2);
    request.set(4, auth.platform.authenticate(auth.token, message));
  }
  return host.cbor(cid, command, request);
}

async function cmToken(pin: PinClient, rpId?: string): Promise<Token> {
  const t = await pin.token('1234', PIN_PERMISSION.cm, rpId);
  expect(t.status).toBe(0);
  return { token: t.token as Uint8Array, platform: t.platform };
}

async function makeRk(host: TestHost, cid: number, pin: PinClient, rpId: string, user: number, name = 'alice') {
  const t = await pin.token('1234', PIN_PERMISSION.mc, rpId);
  const cdh = new Uint8Array(32).fill(user);
  const params = mcParams({ rpId, rk: true, userId: new Uint8Array([user]), clientDataHash: cdh });
  params.set(
    3,
    new Map<string, unknown>([
      ['id', new Uint8Array([user])],
      ['name', name],
      ['displayName', name.toUpperCase()],
    ]),
  );
  params.set(8, t.platform.authenticate(t.token as Uint8Array, cdh));
  params.set(9, 2);
  const r = await host.cbor(cid, 0x01, params);
  expect(r.status).toBe(0);
  return parseAuthData(r.body.get(2) as Uint8Array).credentialId as Uint8Array;
}

describe('authenticatorCredentialManagement', () => {
  it('reports metadata, enumerates RPs and credentials, updates a user and deletes a credential', async () => {
    const { host, cid, pin } = await setup({ maxCredentials: 10 });
    await pin.setPin('1234');
    await makeRk(host, cid, pin, 'a.example', 1);
    const idB1 = await makeRk(host, cid, pin, 'b.example', 2, 'bob');
    await makeRk(host, cid, pin, 'b.example', 3, 'carol');

    const token = await cmToken(pin);
    const meta = await cm(host, cid, token, 0x01);
    expect(meta.status).toBe(0);
    expect([meta.body.get(1), meta.body.get(2)]).toEqual([3, 7]);

    const rp1 = await cm(host, cid, token, 0x02);
    expect(rp1.body.get(5)).toBe(2);
    const rp2 = await host.cbor(cid, 0x0a, new Map([[1, 0x03]]));
    const rpIds = [rp1, rp2].map((r) => (r.body.get(3) as Map<string, string>).get('id'));
    expect(rpIds.sort()).toEqual(['a.example', 'b.example']);
    const firstId = (rp1.body.get(3) as Map<string, string>).get('id') as string;
    expect([...(rp1.body.get(4) as Uint8Array)]).toEqual([...rpHash(firstId)]);
    expect((await host.cbor(cid, 0x0a, new Map([[1, 0x03]]))).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);

    const creds = new Map<number, unknown>([[1, rpHash('b.example')]]);
    const c1 = await cm(host, cid, token, 0x04, creds);
    expect(c1.status).toBe(0);
    expect(c1.body.get(9)).toBe(2);
    expect((c1.body.get(6) as Map<string, unknown>).get('name')).toBe('carol'); // newest first
    expect((c1.body.get(8) as Map<number, unknown>).get(3)).toBe(-7);
    expect(c1.body.get(0x0a)).toBe(1);
    const c2 = await host.cbor(cid, 0x0a, new Map([[1, 0x05]]));
    expect((c2.body.get(6) as Map<string, unknown>).get('name')).toBe('bob');
    expect((await host.cbor(cid, 0x0a, new Map([[1, 0x05]]))).status).toBe(S.CTAP2_ERR_NOT_ALLOWED);

    const descriptor = new Map<string, unknown>([
      ['id', idB1],
      ['type', 'public-key'],
    ]);
    const update = new Map<number, unknown>([
      [2, descriptor],
      [
        3,
        new Map<string, unknown>([
          ['id', new Uint8Array([2])],
          ['name', 'robert'],
        ]),
      ],
    ]);
    expect((await cm(host, cid, token, 0x07, update)).status).toBe(0);
    const updated = host.device.exportState().credentials.find((c) => c.userName === 'robert');
    expect(updated?.userDisplayName).toBeUndefined();
    const wrongUser = new Map<number, unknown>([
      [2, descriptor],
      [
        3,
        new Map<string, unknown>([
          ['id', new Uint8Array([9])],
          ['name', 'x'],
        ]),
      ],
    ]);
    expect((await cm(host, cid, token, 0x07, wrongUser)).status).toBe(S.CTAP1_ERR_INVALID_PARAMETER);

    expect((await cm(host, cid, token, 0x06, new Map([[2, descriptor]]))).status).toBe(0);
    expect((await cm(host, cid, token, 0x06, new Map([[2, descriptor]]))).status).toBe(S.CTAP2_ERR_NO_CREDENTIALS);
    expect(host.device.exportState().credentials.length).toBe(2);
    // The deleted credential no longer signs, even by id.
    expect((await host.cbor(cid, 0x02, gaParams({ rpId: 'b.example', allow: [idB1] }))).status).toBe(
      S.CTAP2_ERR_NO_CREDENTIALS,
    );
    // The preview command 0x41 behaves the same.
    expect((await cm(host, cid, token, 0x01, undefined, 0x41)).body.get(1)).toBe(2);
  });

  it('needs a token with the cm permission, and an RP-bound token only sees its RP', async () => {
    const { host, cid, pin } = await setup();
    await pin.setPin('1234');
    await makeRk(host, cid, pin, 'a.example', 1);
    expect((await cm(host, cid, undefined, 0x01)).status).toBe(S.CTAP2_ERR_PUAT_REQUIRED);
    const mcOnly = await pin.token('1234', PIN_PERMISSION.mc, 'a.example');
    expect((await cm(host, cid, { token: mcOnly.token as Uint8Array, platform: mcOnly.platform }, 0x01)).status).toBe(
      S.CTAP2_ERR_PIN_AUTH_INVALID,
    );
    const bound = await cmToken(pin, 'a.example');
    expect((await cm(host, cid, bound, 0x01)).status).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
    expect((await cm(host, cid, bound, 0x04, new Map([[1, rpHash('a.example')]]))).status).toBe(0);
    expect((await cm(host, cid, bound, 0x04, new Map([[1, rpHash('b.example')]]))).status).toBe(
      S.CTAP2_ERR_PIN_AUTH_INVALID,
    );
    const token = await cmToken(pin);
    expect((await cm(host, cid, token, 0x04, new Map([[1, rpHash('b.example')]]))).status).toBe(
      S.CTAP2_ERR_NO_CREDENTIALS,
    );
    expect((await cm(host, cid, token, 0x04)).status).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
    expect((await cm(host, cid, token, 0x09)).status).toBe(S.CTAP2_ERR_INVALID_SUBCOMMAND);
    expect(
      (
        await host.cbor(
          cid,
          0x0a,
          new Map<number, unknown>([
            [1, 1],
            [4, new Uint8Array(32)],
          ]),
        )
      ).status,
    ).toBe(S.CTAP2_ERR_MISSING_PARAMETER);
  });

  it('answers NO_CREDENTIALS when enumerating RPs on an empty key', async () => {
    const { host, cid, pin } = await setup();
    await pin.setPin('1234');
    expect((await cm(host, cid, await cmToken(pin), 0x02)).status).toBe(S.CTAP2_ERR_NO_CREDENTIALS);
  });
});

async function config(
  host: TestHost,
  cid: number,
  auth: Token | undefined,
  sub: number,
  params?: Map<number, unknown>,
) {
  const request = new Map<number, unknown>([[1, sub]]);
  if (params) request.set(2, params);
  if (auth) {
    const message = concatBytes(
      new Uint8Array(32).fill(0xff),
      new Uint8Array([0x0d, sub]),
      params ? encodeCanonicalCbor(params) : new Uint8Array(0),
    );
    request.set(3, 2);
    request.set(4, auth.platform.authenticate(auth.token, message));
  }
  return host.cbor(cid, 0x0d, request);
}

describe('authenticatorConfig', () => {
  it('raises the minimum PIN length (never lowers it) and forces a PIN change when the PIN is now too short', async () => {
    const { host, cid, pin } = await setup();
    expect((await config(host, cid, undefined, 0x03, new Map([[1, 5]]))).status).toBe(0);
    expect(await pin.setPin('1234')).toBe(S.CTAP2_ERR_PIN_POLICY_VIOLATION);
    expect(await pin.setPin('12345')).toBe(0);
    expect((await config(host, cid, undefined, 0x03, new Map([[1, 6]]))).status).toBe(S.CTAP2_ERR_PUAT_REQUIRED);
    const t = await pin.token('12345', PIN_PERMISSION.acfg);
    const acfg = { token: t.token as Uint8Array, platform: t.platform };
    expect((await config(host, cid, acfg, 0x03, new Map([[1, 4]]))).status).toBe(S.CTAP2_ERR_PIN_POLICY_VIOLATION);
    expect((await config(host, cid, acfg, 0x03, new Map<number, unknown>([[2, ['x.example']]]))).status).toBe(
      S.CTAP2_ERR_KEY_STORE_FULL,
    );
    expect((await config(host, cid, acfg, 0x03, new Map([[1, 6]]))).status).toBe(0);
    const info = await host.cbor(cid, 0x04);
    expect(info.body.get(0x0d)).toBe(6);
    expect(info.body.get(0x0c)).toBe(true);
    // forcePINChange: tokens are refused until the PIN changes, and not to the same PIN.
    expect((await pin.token('12345')).status).toBe(S.CTAP2_ERR_PIN_INVALID);
    expect(await pin.changePin('12345', '123456')).toBe(0);
    expect((await host.cbor(cid, 0x04)).body.get(0x0c)).toBe(false);
    expect((await pin.token('123456')).status).toBe(0);
  });

  it('toggles alwaysUv, after which requests need a pinUvAuthParam', async () => {
    const { host, cid, pin } = await setup();
    expect((await config(host, cid, undefined, 0x02)).status).toBe(0);
    const info = await host.cbor(cid, 0x04);
    const options = info.body.get(4) as Map<string, boolean>;
    expect(options.get('alwaysUv')).toBe(true);
    expect(options.get('makeCredUvNotRqd')).toBe(false);
    expect((await host.cbor(cid, 0x01, mcParams({}))).status).toBe(S.CTAP2_ERR_PUAT_REQUIRED);
    expect((await host.cbor(cid, 0x02, gaParams({}))).status).toBe(S.CTAP2_ERR_PUAT_REQUIRED);
    expect((await config(host, cid, undefined, 0x02)).status).toBe(S.CTAP2_ERR_PUAT_REQUIRED);
    await pin.setPin('1234');
    const t = await pin.token('1234', PIN_PERMISSION.acfg);
    expect((await config(host, cid, { token: t.token as Uint8Array, platform: t.platform }, 0x02)).status).toBe(0);
    expect(((await host.cbor(cid, 0x04)).body.get(4) as Map<string, boolean>).get('alwaysUv')).toBe(false);
  });

  it('refuses enterprise attestation and unknown subcommands, and wrong pinUvAuthParams', async () => {
    const { host, cid, pin } = await setup();
    expect((await config(host, cid, undefined, 0x01)).status).toBe(S.CTAP1_ERR_INVALID_COMMAND);
    expect((await config(host, cid, undefined, 0x05)).status).toBe(S.CTAP2_ERR_INVALID_SUBCOMMAND);
    await pin.setPin('1234');
    const t = await pin.token('1234', PIN_PERMISSION.cm);
    expect((await config(host, cid, { token: t.token as Uint8Array, platform: t.platform }, 0x02)).status).toBe(
      S.CTAP2_ERR_PIN_AUTH_INVALID,
    );
    expect(
      (
        await host.cbor(
          cid,
          0x0d,
          new Map<number, unknown>([
            [1, 2],
            [3, 2],
            [4, new Uint8Array(32)],
          ]),
        )
      ).status,
    ).toBe(S.CTAP2_ERR_PIN_AUTH_INVALID);
  });
});
