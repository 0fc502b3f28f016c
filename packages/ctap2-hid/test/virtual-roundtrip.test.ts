/** The driver against the VirtualAuthenticator in the same process (MemoryHidTransport): every command and error path. */
import { utf8ToBytes } from '@keyward/internal';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { CTAP2_STATUS, CTAPHID_CMD, type Ctap2StatusName } from '../src/ctap2/constants.ts';
import {
  Ctap2Client,
  type Ctap2ClientOptions,
  type HidReportHandler,
  isCtapError,
  type KeepaliveStatus,
  type MakeCredentialParams,
  MemoryHidTransport,
  PIN_PERMISSION,
  selectAuthenticator,
} from '../src/index.ts';
import {
  delayPresence,
  denyPresence,
  VirtualAuthenticator,
  type VirtualAuthenticatorOptions,
} from '../src/virtual/index.ts';

const RP = 'example.com';
const rpIdHash = sha256(utf8ToBytes(RP));

function hash(label: string): Uint8Array {
  return sha256(utf8ToBytes(label));
}

async function setup(options: VirtualAuthenticatorOptions = {}, clientOptions: Ctap2ClientOptions = {}) {
  const key = new VirtualAuthenticator(options);
  const client = await Ctap2Client.open(new MemoryHidTransport(key), clientOptions);
  return { key, client };
}

function mcParams(userId: number, extra: Partial<MakeCredentialParams> = {}): MakeCredentialParams {
  return {
    clientDataHash: hash(`mc-${userId}`),
    rp: { id: RP, name: 'Example' },
    user: { id: Uint8Array.of(userId), name: `user${userId}`, displayName: `User ${userId}` },
    pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
    ...extra,
  };
}

describe('getInfo and CTAPHID basics', () => {
  it('decodes getInfo into named fields and reports the INIT capabilities', async () => {
    const { client } = await setup({ minPinLength: 6 });
    const info = await client.getInfo();
    expect(info.versions).toContain('FIDO_2_1');
    expect(info.aaguid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(info.options.clientPin).toBe(false);
    expect(info.pinUvAuthProtocols).toContain(2);
    expect(info.minPINLength).toBe(6);
    expect(info.algorithms[0]).toEqual({ type: 'public-key', alg: -7 });
    expect(client.device.cbor).toBe(true);
    expect(client.device.cid).not.toBe(0xffffffff);
  });

  it('pings a 300-byte message through fragmentation and reassembly', async () => {
    const { client } = await setup();
    const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    expect(await client.ping(data)).toEqual(data);
  });

  it('winks the key', async () => {
    let winks = 0;
    const { client } = await setup({ onWink: () => winks++ });
    await client.wink();
    expect(winks).toBe(1);
  });

  it('rejects calls after close with ERR_CLOSED', async () => {
    const { client } = await setup();
    await client.close();
    await expect(client.getInfo()).rejects.toMatchObject({ code: 'ERR_CLOSED' });
  });
});

describe('clientPin', () => {
  it('sets a PIN, reads retries, gets a token, changes the PIN (protocol 2)', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    expect((await client.getInfo()).options.clientPin).toBe(true);
    expect(await client.clientPin.getRetries()).toMatchObject({ retries: 8 });
    const token = await client.clientPin.getPinToken('1234');
    expect(token.protocol).toBe(2);
    expect(token.token.length).toBe(32);
    await client.clientPin.changePin('1234', '98765');
    await expect(client.clientPin.getPinToken('1234')).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_INVALID' });
    await client.clientPin.getPinToken('98765');
  });

  it('works with PIN/UV auth protocol 1 when forced', async () => {
    const { client } = await setup({}, { pinUvAuthProtocol: 1 });
    await client.clientPin.setPin('1234');
    const token = await client.clientPin.getPinToken('1234', PIN_PERMISSION.cm);
    expect(token.protocol).toBe(1);
    expect(await client.credentialManagement.metadata()).toMatchObject({ existingResidentCredentialsCount: 0 });
    await client.clientPin.changePin('1234', '4321');
    await client.clientPin.getPinToken('4321');
  });

  it('normalises PINs to NFC before sending them', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('caf\u0065\u0301!'); // decomposed é
    await client.clientPin.getPinToken('caf\u00e9!'); // composed é: the same PIN after NFC
  });

  it('refuses a too short or too long PIN before sending it (no retry is spent)', async () => {
    const { client } = await setup({ minPinLength: 6 });
    await expect(client.clientPin.setPin('12345')).rejects.toMatchObject({ code: 'ERR_PIN_TOO_SHORT' });
    // 4 code points but 8 bytes: length counts code points, not bytes.
    await expect(client.clientPin.setPin('éééé')).rejects.toMatchObject({ code: 'ERR_PIN_TOO_SHORT' });
    await expect(client.clientPin.setPin('x'.repeat(64))).rejects.toMatchObject({ code: 'ERR_PIN_TOO_LONG' });
    await client.clientPin.setPin('123456');
    await expect(client.clientPin.getPinToken('123')).rejects.toMatchObject({ code: 'ERR_PIN_TOO_SHORT' });
    await expect(client.clientPin.changePin('123456', '12')).rejects.toMatchObject({ code: 'ERR_PIN_TOO_SHORT' });
    expect((await client.clientPin.getRetries()).retries).toBe(8);
  });

  it('refuses setPin when a PIN is already set (PIN_AUTH_INVALID)', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await expect(client.clientPin.setPin('5678')).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_AUTH_INVALID' });
  });

  it('counts wrong PINs: PIN_INVALID, then PIN_AUTH_BLOCKED until a power cycle, then PIN_BLOCKED at 0', async () => {
    const { key, client: first } = await setup();
    await first.clientPin.setPin('1234');
    let client = first;
    const attempts: string[] = [];
    for (let round = 0; round < 4 && attempts.length < 8; round++) {
      for (let i = 0; i < 3 && attempts.length < 8; i++) {
        const error = await client.clientPin.getPinToken('0000').catch((e: unknown) => e);
        expect(isCtapError(error)).toBe(true);
        const { code, status } = error as { code: Ctap2StatusName; status?: number };
        expect(status, code).toBe(CTAP2_STATUS[code]);
        attempts.push(code);
      }
      if (attempts.length < 8) {
        // While auth-blocked even the right PIN is refused and costs nothing.
        await expect(client.clientPin.getPinToken('1234')).rejects.toMatchObject({
          code: 'CTAP2_ERR_PIN_AUTH_BLOCKED',
        });
        expect((await client.clientPin.getRetries()).powerCycleState).toBe(true);
        key.powerCycle();
        client = await Ctap2Client.open(new MemoryHidTransport(key));
      }
    }
    expect(attempts.slice(0, 3)).toEqual([
      'CTAP2_ERR_PIN_INVALID',
      'CTAP2_ERR_PIN_INVALID',
      'CTAP2_ERR_PIN_AUTH_BLOCKED',
    ]);
    expect(attempts[7]).toBe('CTAP2_ERR_PIN_BLOCKED');
    expect((await client.clientPin.getRetries()).retries).toBe(0);
    await expect(client.clientPin.getPinToken('1234')).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_BLOCKED' });
    await expect(client.clientPin.changePin('1234', '5678')).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_BLOCKED' });
  });

  it('a wrong old PIN in changePin is PIN_INVALID', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await expect(client.clientPin.changePin('9999', '5678')).rejects.toMatchObject({ code: 'CTAP2_ERR_PIN_INVALID' });
    expect((await client.clientPin.getRetries()).retries).toBe(7);
  });

  it('rejects bad permission bits before sending', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await expect(client.clientPin.getPinToken('1234', 0)).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
    // CTAP 2.1 §6.5.5.7.2: mc and ga need an RP ID.
    await expect(client.clientPin.getPinToken('1234', PIN_PERMISSION.mc)).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });
});

describe('authenticatorConfig', () => {
  it('raises minPINLength and forces a PIN change', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await client.clientPin.getPinToken('1234', PIN_PERMISSION.acfg);
    await client.config.setMinPINLength({ newMinPINLength: 6, forceChangePin: true });
    const info = await client.getInfo();
    expect(info.minPINLength).toBe(6);
    expect(info.forcePINChange).toBe(true);
    await expect(client.clientPin.changePin('1234', '5678')).rejects.toMatchObject({ code: 'ERR_PIN_TOO_SHORT' });
    await client.clientPin.changePin('1234', '567890');
    expect((await client.getInfo()).forcePINChange).toBe(false);
  });

  it('refuses to lower minPINLength (PIN_POLICY_VIOLATION) and needs a token once a PIN is set', async () => {
    const { client } = await setup({ minPinLength: 6 });
    await client.clientPin.setPin('123456');
    await expect(client.config.setMinPINLength({ newMinPINLength: 8 })).rejects.toMatchObject({
      code: 'ERR_PIN_REQUIRED',
    });
    await client.clientPin.getPinToken('123456', PIN_PERMISSION.acfg);
    await expect(client.config.setMinPINLength({ newMinPINLength: 4 })).rejects.toMatchObject({
      code: 'CTAP2_ERR_PIN_POLICY_VIOLATION',
    });
    await expect(client.config.setMinPINLength({ newMinPINLength: 99 })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('toggles alwaysUv; refuses what the key does not support', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await client.clientPin.getPinToken('1234', PIN_PERMISSION.acfg);
    await client.config.toggleAlwaysUv();
    expect((await client.getInfo()).options.alwaysUv).toBe(true);
    await expect(client.config.enableEnterpriseAttestation()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    const u2f = await Ctap2Client.open(new MemoryHidTransport(u2fOnly(new VirtualAuthenticator())));
    await expect(u2f.config.setMinPINLength({ forceChangePin: true })).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    await expect(u2f.config.toggleAlwaysUv()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    await expect(u2f.credentialManagement.metadata()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('a forced PIN protocol the key does not offer is ERR_UNSUPPORTED', async () => {
    const { client } = await setup({}, { pinUvAuthProtocol: 1 });
    await client.getInfo();
    (client as unknown as { conn: { info: { pinUvAuthProtocols: number[] } } }).conn.info.pinUvAuthProtocols = [2];
    await expect(client.clientPin.getRetries()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
  });

  it('a token without the acfg permission is refused', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await client.clientPin.getPinToken('1234', PIN_PERMISSION.mc, RP);
    const error = await client.config.setMinPINLength({ newMinPINLength: 6 }).catch((e: unknown) => e);
    expect(isCtapError(error)).toBe(true);
    const { code, status } = error as { code: Ctap2StatusName; status?: number };
    expect(['CTAP2_ERR_PIN_AUTH_INVALID', 'CTAP2_ERR_UNAUTHORIZED_PERMISSION']).toContain(code);
    expect(status, code).toBe(CTAP2_STATUS[code]);
  });
});

describe('makeCredential and getAssertion', () => {
  it('creates a credential and signs with it; getNextAssertion walks several discoverable credentials', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    const mcToken = await client.clientPin.getPinToken('1234', PIN_PERMISSION.mc, RP);
    const first = await client.makeCredential(mcParams(1, { options: { rk: true }, pinUvAuthToken: mcToken }));
    expect(first.fmt).toBe('packed');
    expect(first.authenticatorData.userVerified).toBe(true);
    expect(first.authenticatorData.attestedCredentialData?.credentialId).toEqual(first.credentialId);
    const mcToken2 = await client.clientPin.getPinToken('1234', PIN_PERMISSION.mc, RP);
    await client.makeCredential(mcParams(2, { options: { rk: true }, pinUvAuthToken: mcToken2 }));
    const gaToken = await client.clientPin.getPinToken('1234', PIN_PERMISSION.ga, RP);
    const assertions = await client.getAssertions({ rpId: RP, clientDataHash: hash('ga'), pinUvAuthToken: gaToken });
    expect(assertions).toHaveLength(2);
    expect(assertions[0]?.numberOfCredentials).toBe(2);
    expect(assertions.map((a) => a.user?.name).sort()).toEqual(['user1', 'user2']);
    await expect(client.getNextAssertion()).rejects.toMatchObject({ code: 'CTAP2_ERR_NOT_ALLOWED' });
  });

  it('asks for the PIN (PUAT_REQUIRED) for a discoverable credential on a key with a PIN', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await expect(client.makeCredential(mcParams(1, { options: { rk: true } }))).rejects.toMatchObject({
      code: 'CTAP2_ERR_PUAT_REQUIRED',
    });
  });

  it('refuses a key that is already registered (CREDENTIAL_EXCLUDED) and unknown credentials (NO_CREDENTIALS)', async () => {
    const { client } = await setup();
    const made = await client.makeCredential(mcParams(1));
    await expect(
      client.makeCredential(mcParams(2, { excludeList: [{ type: 'public-key', id: made.credentialId }] })),
    ).rejects.toMatchObject({ code: 'CTAP2_ERR_CREDENTIAL_EXCLUDED' });
    const assertion = await client.getAssertion({
      rpId: RP,
      clientDataHash: hash('x'),
      allowList: [{ type: 'public-key', id: made.credentialId }],
    });
    expect(assertion.credential.id).toEqual(made.credentialId);
    await expect(
      client.getAssertion({
        rpId: RP,
        clientDataHash: hash('x'),
        allowList: [{ type: 'public-key', id: new Uint8Array(16) }],
      }),
    ).rejects.toMatchObject({ code: 'CTAP2_ERR_NO_CREDENTIALS' });
  });

  it('refuses bad arguments before sending', async () => {
    const { client } = await setup();
    await expect(client.makeCredential(mcParams(1, { clientDataHash: new Uint8Array(5) }))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(client.makeCredential(mcParams(1, { pubKeyCredParams: [] }))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
    await expect(client.getAssertion({ rpId: '', clientDataHash: hash('x') })).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('a request larger than maxMsgSize is refused before sending (ERR_REQUEST_TOO_LARGE)', async () => {
    const { client } = await setup({ maxMsgSize: 256 });
    const excludeList = Array.from({ length: 8 }, (_, i) => ({
      type: 'public-key' as const,
      id: new Uint8Array(64).fill(i),
    }));
    await expect(client.makeCredential(mcParams(1, { excludeList }))).rejects.toMatchObject({
      code: 'ERR_REQUEST_TOO_LARGE',
    });
  });

  it('reports keepalive status changes while the key waits for a touch', async () => {
    const { client } = await setup({ presence: delayPresence(250) });
    const seen: KeepaliveStatus[] = [];
    await client.makeCredential(mcParams(1), { onKeepalive: (status) => seen.push(status) });
    expect(seen).toContain('upNeeded');
    expect(new Set(seen).size).toBe(seen.length); // once per change
  });

  it('cancels through AbortSignal (CTAPHID_CANCEL) and the channel stays usable', async () => {
    const { client } = await setup({ presence: delayPresence(0, 'never') });
    const controller = new AbortController();
    const pending = client.makeCredential(mcParams(1), {
      signal: controller.signal,
      onKeepalive: (status) => status === 'upNeeded' && controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
    expect((await client.getInfo()).versions).toContain('FIDO_2_1');
  });

  it('a signal aborted before the call rejects at once', async () => {
    const { client } = await setup();
    await expect(client.getInfo({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });

  it('a denied touch is OPERATION_DENIED; no touch in time is USER_ACTION_TIMEOUT', async () => {
    const denied = await setup({ presence: denyPresence() });
    await expect(denied.client.makeCredential(mcParams(1))).rejects.toMatchObject({
      code: 'CTAP2_ERR_OPERATION_DENIED',
    });
    // CTAP 2.1 §6.1.2 step 13: no touch in time during makeCredential is OPERATION_DENIED too;
    // reset (§6.6) reports it as USER_ACTION_TIMEOUT.
    const absent = await setup({ presence: delayPresence(0, 'never'), presenceTimeoutMs: 200 });
    await expect(absent.client.makeCredential(mcParams(1))).rejects.toMatchObject({
      code: 'CTAP2_ERR_OPERATION_DENIED',
    });
    await expect(absent.client.reset()).rejects.toMatchObject({ code: 'CTAP2_ERR_USER_ACTION_TIMEOUT' });
  });
});

describe('credentialManagement', () => {
  it('counts, lists, renames and deletes discoverable credentials', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    for (const id of [1, 2]) {
      const token = await client.clientPin.getPinToken('1234', PIN_PERMISSION.mc, RP);
      await client.makeCredential(mcParams(id, { options: { rk: true }, pinUvAuthToken: token }));
    }
    const other = await client.clientPin.getPinToken('1234', PIN_PERMISSION.mc, 'other.test');
    await client.makeCredential({
      ...mcParams(3, { options: { rk: true }, pinUvAuthToken: other }),
      rp: { id: 'other.test' },
    });
    await client.clientPin.getPinToken('1234', PIN_PERMISSION.cm);
    expect(await client.credentialManagement.metadata()).toMatchObject({ existingResidentCredentialsCount: 3 });
    const rps = await client.credentialManagement.enumerateRps();
    expect(rps.map((r) => r.rp.id).sort()).toEqual(['example.com', 'other.test']);
    const creds = await client.credentialManagement.enumerateCredentials(rpIdHash);
    expect(creds).toHaveLength(2);
    const target = creds.find((c) => c.user.name === 'user1');
    if (!target) throw new Error('user1 missing');
    await client.credentialManagement.updateUserInformation(target.credentialId.id, {
      id: target.user.id,
      name: 'renamed',
      displayName: 'Renamed',
    });
    const renamed = await client.credentialManagement.enumerateCredentials(rpIdHash);
    expect(renamed.map((c) => c.user.name).sort()).toEqual(['renamed', 'user2']);
    await client.credentialManagement.deleteCredential(target.credentialId.id);
    expect(await client.credentialManagement.enumerateCredentials(rpIdHash)).toHaveLength(1);
    await expect(client.credentialManagement.deleteCredential(target.credentialId.id)).rejects.toMatchObject({
      code: 'CTAP2_ERR_NO_CREDENTIALS',
    });
    expect(await client.credentialManagement.enumerateCredentials(sha256(utf8ToBytes('none.test')))).toEqual([]);
  });

  it('lists nothing on an empty key, needs a token, and checks rpIdHash', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    await expect(client.credentialManagement.metadata()).rejects.toMatchObject({ code: 'ERR_PIN_REQUIRED' });
    await client.clientPin.getPinToken('1234', PIN_PERMISSION.cm);
    expect(await client.credentialManagement.enumerateRps()).toEqual([]);
    await expect(client.credentialManagement.enumerateCredentials(new Uint8Array(3))).rejects.toMatchObject({
      code: 'ERR_INVALID_ARGUMENT',
    });
  });

  it('a token without the cm permission is refused', async () => {
    const { client } = await setup();
    await client.clientPin.setPin('1234');
    const token = await client.clientPin.getPinToken('1234', PIN_PERMISSION.ga, RP);
    const error = await client.credentialManagement.metadata({ pinUvAuthToken: token }).catch((e: unknown) => e);
    expect(['CTAP2_ERR_PIN_AUTH_INVALID', 'CTAP2_ERR_UNAUTHORIZED_PERMISSION']).toContain(
      (error as { code: string }).code,
    );
  });
});

describe('reset', () => {
  it('erases the PIN and credentials inside the window after power-up; NOT_ALLOWED after it', async () => {
    let now = 1_000_000;
    const { key, client } = await setup({ now: () => now });
    await client.clientPin.setPin('1234');
    await client.reset();
    expect((await client.getInfo()).options.clientPin).toBe(false);
    now += 11_000;
    await expect(client.reset()).rejects.toMatchObject({ code: 'CTAP2_ERR_NOT_ALLOWED' });
    key.powerCycle();
    const again = await Ctap2Client.open(new MemoryHidTransport(key));
    await again.reset();
  });

  it('a denied touch is OPERATION_DENIED', async () => {
    const { client } = await setup({ presence: denyPresence() });
    await expect(client.reset()).rejects.toMatchObject({ code: 'CTAP2_ERR_OPERATION_DENIED' });
  });
});

describe('selection', () => {
  it('with several keys the one touched first wins and the others are cancelled', async () => {
    const slow = await setup({ presence: delayPresence(0, 'never') });
    const quick = await setup({ presence: delayPresence(100) });
    const chosen = await selectAuthenticator([slow.client, quick.client]);
    expect(chosen).toBe(quick.client);
    // The cancelled key is free again.
    expect((await slow.client.getInfo()).versions).toContain('FIDO_2_1');
  });

  it('CTAP 2.0 keys are selected with a makeCredential probe (zero-length pinUvAuthParam)', async () => {
    for (const pin of [undefined, '1234']) {
      const { client } = await setup();
      if (pin) await client.clientPin.setPin(pin);
      await client.getInfo();
      // Make the client believe the key is CTAP 2.0 only, so it takes the probe path.
      (client as unknown as { conn: { info: { versions: string[] } } }).conn.info.versions = ['FIDO_2_0'];
      await client.selection();
    }
    const denied = await setup({ presence: denyPresence() });
    await denied.client.getInfo();
    (denied.client as unknown as { conn: { info: { versions: string[] } } }).conn.info.versions = ['FIDO_2_0'];
    await expect(denied.client.selection()).rejects.toMatchObject({ code: 'CTAP2_ERR_OPERATION_DENIED' });
  });

  it('fails with the first key’s error when no key is touched, and refuses an empty list', async () => {
    const a = await setup({ presence: denyPresence() });
    await expect(selectAuthenticator([a.client])).rejects.toMatchObject({ code: 'CTAP2_ERR_OPERATION_DENIED' });
    await expect(selectAuthenticator([])).rejects.toMatchObject({ code: 'ERR_INVALID_ARGUMENT' });
  });

  it('the caller’s signal cancels all keys', async () => {
    const a = await setup({ presence: delayPresence(0, 'never') });
    const controller = new AbortController();
    const pending = selectAuthenticator([a.client], {
      signal: controller.signal,
      onKeepalive: () => controller.abort(),
    });
    await expect(pending).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });
});

/** Clears CAPABILITY_CBOR in the INIT answer so the driver treats the key as U2F-only. */
function u2fOnly(key: VirtualAuthenticator): HidReportHandler {
  return {
    handleReport(report, reply) {
      key.handleReport(report, (answer) => {
        const out = answer.slice();
        if (out[4] === (0x80 | CTAPHID_CMD.INIT) && out[0] === 0xff) out[7 + 16] = (out[7 + 16] as number) & ~0x04;
        reply(out);
      });
    },
  };
}

describe('CTAP1/U2F fallback', () => {
  it('registers and authenticates through U2F on a key without CBOR', async () => {
    const key = new VirtualAuthenticator();
    const client = await Ctap2Client.open(new MemoryHidTransport(u2fOnly(key)));
    expect(client.device.cbor).toBe(false);
    expect((await client.getInfo()).versions).toEqual(['U2F_V2']);
    const made = await client.makeCredential(mcParams(1));
    expect(made.fmt).toBe('fido-u2f');
    expect(made.authenticatorData.attestedCredentialData?.aaguid).toBe('00000000-0000-0000-0000-000000000000');
    const assertion = await client.getAssertion({
      rpId: RP,
      clientDataHash: hash('u2f'),
      allowList: [
        { type: 'public-key', id: new Uint8Array(40) },
        { type: 'public-key', id: made.credentialId },
      ],
    });
    expect(assertion.credential.id).toEqual(made.credentialId);
    expect(assertion.authenticatorData.userPresent).toBe(true);
    await expect(
      client.makeCredential(mcParams(2, { excludeList: [{ type: 'public-key', id: made.credentialId }] })),
    ).rejects.toMatchObject({ code: 'CTAP2_ERR_CREDENTIAL_EXCLUDED' });
    await expect(
      client.getAssertion({
        rpId: 'other.test',
        clientDataHash: hash('u2f'),
        allowList: [{ type: 'public-key', id: made.credentialId }],
      }),
    ).rejects.toMatchObject({ code: 'CTAP2_ERR_NO_CREDENTIALS' });
    await client.selection();
  });

  it('refuses what U2F cannot do, and CTAP2-only commands', async () => {
    const client = await Ctap2Client.open(new MemoryHidTransport(u2fOnly(new VirtualAuthenticator())));
    await expect(client.makeCredential(mcParams(1, { options: { rk: true } }))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED',
    });
    await expect(
      client.makeCredential(mcParams(1, { pubKeyCredParams: [{ type: 'public-key', alg: -8 }] })),
    ).rejects.toMatchObject({
      code: 'CTAP2_ERR_UNSUPPORTED_ALGORITHM',
    });
    await expect(client.reset()).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED' });
    const error = await client.clientPin.getRetries().catch((e: unknown) => e);
    expect(isCtapError(error) && error.code === 'ERR_UNSUPPORTED').toBe(true);
    expect(error).not.toHaveProperty('status');
  });
});
