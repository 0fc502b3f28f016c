import { describe, expect, it } from 'vitest';
import { fakeAssertion, fakeAttestation } from '../../test/fake-browser.ts';
import type { PublicKeyCredentialCreationOptionsJSON } from '../types.ts';
import { creationOptionsFromJSON, credentialToJSON, requestOptionsFromJSON, toJSONValue } from './convert.ts';

const creation: PublicKeyCredentialCreationOptionsJSON = {
  rp: { id: 'example.org', name: 'Example' },
  user: { id: 'AQID', name: 'ana', displayName: 'Ana' },
  challenge: 'AAECAwQFBgcICQoLDA0ODw',
  pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
  timeout: 60000,
  excludeCredentials: [{ id: 'CQkJ', type: 'public-key', transports: ['usb'] }],
  authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  hints: ['security-key'],
  attestation: 'direct',
  extensions: { credProps: true },
};

describe('creationOptionsFromJSON', () => {
  it('decodes every binary field and keeps the rest as given', () => {
    const options = creationOptionsFromJSON(creation);
    expect(options.challenge).toEqual(new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]));
    expect(options.user).toEqual({ id: new Uint8Array([1, 2, 3]), name: 'ana', displayName: 'Ana' });
    expect(options.excludeCredentials).toEqual([
      { id: new Uint8Array([9, 9, 9]), type: 'public-key', transports: ['usb'] },
    ]);
    expect(options).toMatchObject({
      rp: creation.rp,
      pubKeyCredParams: creation.pubKeyCredParams,
      timeout: 60000,
      authenticatorSelection: creation.authenticatorSelection,
      attestation: 'direct',
      extensions: { credProps: true },
    });
    expect((options as unknown as { hints: string[] }).hints).toEqual(['security-key']);
  });

  it('decodes prf inputs (eval and evalByCredential)', () => {
    const options = creationOptionsFromJSON({
      ...creation,
      extensions: { prf: { eval: { first: 'AQ', second: 'Ag' }, evalByCredential: { CQkJ: { first: 'Aw' } } } },
    });
    expect(options.extensions).toEqual({
      prf: {
        eval: { first: new Uint8Array([1]), second: new Uint8Array([2]) },
        evalByCredential: { CQkJ: { first: new Uint8Array([3]) } },
      },
    });
  });

  it('decodes largeBlob.write and keeps the other largeBlob members', () => {
    const options = requestOptionsFromJSON({
      challenge: 'AQID',
      extensions: { largeBlob: { write: 'AQID' }, appid: 'x' },
    });
    expect(options.extensions).toEqual({ largeBlob: { write: new Uint8Array([1, 2, 3]) }, appid: 'x' });
    expect(
      creationOptionsFromJSON({ ...creation, extensions: { largeBlob: { support: 'required' } } }).extensions,
    ).toEqual({
      largeBlob: { support: 'required' },
    });
    expect(() => requestOptionsFromJSON({ challenge: 'AQID', extensions: { largeBlob: { write: '+' } } })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS', message: expect.stringContaining('largeBlob.write') }),
    );
  });

  it('names the bad field with ERR_BAD_OPTIONS', () => {
    expect(() => creationOptionsFromJSON({ ...creation, challenge: 'a+b' })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS', message: expect.stringContaining('challenge') }),
    );
    expect(() => creationOptionsFromJSON({ ...creation, user: { ...creation.user, id: 'x' } })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS', message: expect.stringContaining('user.id') }),
    );
    expect(() =>
      creationOptionsFromJSON({ ...creation, excludeCredentials: [{ id: '!', type: 'public-key' }] }),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_BAD_OPTIONS',
        message: expect.stringContaining('excludeCredentials[0].id'),
      }),
    );
    expect(() => creationOptionsFromJSON({ ...creation, extensions: { prf: { eval: { first: '*' } } } })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS', message: expect.stringContaining('prf') }),
    );
  });
});

describe('requestOptionsFromJSON', () => {
  it('decodes the challenge and allowCredentials; absent lists stay absent', () => {
    const options = requestOptionsFromJSON({
      challenge: 'AQID',
      rpId: 'example.org',
      allowCredentials: [{ id: 'BAUG', type: 'public-key' }],
      userVerification: 'required',
    });
    expect(options).toEqual({
      challenge: new Uint8Array([1, 2, 3]),
      rpId: 'example.org',
      allowCredentials: [{ id: new Uint8Array([4, 5, 6]), type: 'public-key' }],
      userVerification: 'required',
      extensions: undefined,
    });
    expect(requestOptionsFromJSON({ challenge: 'AQID' }).allowCredentials).toBeUndefined();
  });

  it('rejects a bad challenge or credential id with ERR_BAD_OPTIONS', () => {
    expect(() => requestOptionsFromJSON({ challenge: 'A' })).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS' }),
    );
    expect(() =>
      requestOptionsFromJSON({ challenge: 'AQID', allowCredentials: [{ id: '=', type: 'public-key' }] }),
    ).toThrow(
      expect.objectContaining({ code: 'ERR_BAD_OPTIONS', message: expect.stringContaining('allowCredentials[0].id') }),
    );
  });
});

describe('toJSONValue', () => {
  it('turns buffers and views into base64url at any depth, leaves the rest', () => {
    const value = {
      a: new Uint8Array([1, 2, 3]).buffer,
      b: [new Uint8Array([4, 5, 6])],
      c: { d: true, e: 1, f: 'x', g: null },
    };
    expect(toJSONValue(value)).toEqual({ a: 'AQID', b: ['BAUG'], c: { d: true, e: 1, f: 'x', g: null } });
  });
});

describe('credentialToJSON', () => {
  it('uses the native toJSON when the credential has one', () => {
    const native = { id: 'native' };
    expect(credentialToJSON(fakeAttestation({ toJSON: () => native }))).toBe(native);
  });

  it('builds a registration response by hand without toJSON, or when toJSON throws', () => {
    const expected = {
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      authenticatorAttachment: 'cross-platform',
      response: {
        clientDataJSON: 'e30',
        attestationObject: 'oA',
        authenticatorData: 'CQk',
        transports: ['usb', 'nfc'],
        publicKeyAlgorithm: -7,
        publicKey: '__4',
      },
      clientExtensionResults: { credProps: { rk: true }, prf: { enabled: true, results: { first: '-w' } } },
    };
    expect(credentialToJSON(fakeAttestation())).toEqual(expected);
    const broken = fakeAttestation({
      toJSON: () => {
        throw new TypeError('Illegal invocation');
      },
    });
    expect(credentialToJSON(broken)).toEqual(expected);
  });

  it('leaves publicKey out when the browser cannot express the key', () => {
    const credential = fakeAttestation();
    (credential.response as unknown as { getPublicKey(): null }).getPublicKey = () => null;
    expect(credentialToJSON(credential).response).not.toHaveProperty('publicKey');
  });

  it('builds an authentication response by hand, userHandle only when present', () => {
    expect(credentialToJSON(fakeAssertion())).toEqual({
      id: 'BAUG',
      rawId: 'BAUG',
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AQ', signature: 'AgM', userHandle: 'Bw' },
      clientExtensionResults: {},
    });
    expect(credentialToJSON(fakeAssertion(null)).response).not.toHaveProperty('userHandle');
  });
});
