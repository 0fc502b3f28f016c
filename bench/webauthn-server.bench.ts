/**
 * @keyward/webauthn-server side by side with @simplewebauthn/server 14.0.3, in one process,
 * interleaved rounds. Inputs are deterministic (keys derived from a fixed seed, RFC 6979 signatures,
 * half of them rewritten to high-S), built with noble and node:crypto only; certificates are written
 * by hand (root CA → batch attestation certificate, ECDSA P-256, no CRL distribution points so
 * neither library touches the network). Ratios are to SimpleWebAuthn.
 *
 * Cases: ES256 authentication (64 credentials, stored keys as a database returns them: fresh
 * Uint8Arrays each call), registration `none`, `packed` self, `packed` x5c with the same batch
 * certificate repeating and the root configured as trust anchor in both libraries.
 */
import { createECDH, createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import {
  SettingsService,
  verifyAuthenticationResponse as swaAuth,
  verifyRegistrationResponse as swaReg,
} from '@simplewebauthn/server';
import { bytesToBase64url, encodeCbor } from '../packages/internal/src/index.ts';
import { verifyAuthenticationResponse, verifyRegistrationResponse } from '../packages/webauthn-server/src/index.ts';
import { compare } from './harness.ts';

const RP_ID = 'example.com';
const ORIGIN = 'https://example.com';
const COUNT = 64;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

const sha256 = (data: Uint8Array): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));
const seeded = (label: string, i: number): Uint8Array => sha256(utf8(`keyward-bench/${label}/${i}`));

// --- minimal DER ----------------------------------------------------------------------------
function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  const n = body.length;
  const len = n < 128 ? [n] : n < 256 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(Uint8Array.of(tag, ...len), body);
}
function int(bytes: Uint8Array): Uint8Array {
  let b = bytes;
  while (b.length > 1 && b[0] === 0 && ((b[1] as number) & 0x80) === 0) b = b.subarray(1);
  return tlv(0x02, (b[0] as number) & 0x80 ? concat(Uint8Array.of(0), b) : b);
}
function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const out = [(arcs[0] as number) * 40 + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}
const seq = (...p: Uint8Array[]): Uint8Array => tlv(0x30, ...p);
const name = (attrs: [string, string][]): Uint8Array =>
  seq(...attrs.map(([t, v]) => tlv(0x31, seq(oid(t), tlv(0x0c, utf8(v))))));
const bigToBytes = (v: bigint): Uint8Array => Uint8Array.from(Buffer.from(v.toString(16).padStart(64, '0'), 'hex'));

/** Uncompressed public point of a P-256 private scalar. */
function publicKeyOf(priv: Uint8Array): Uint8Array {
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(priv);
  return new Uint8Array(ecdh.getPublicKey());
}

/** DER ECDSA signature over SHA-256(msg), low-S, or high-S (s → n - s, still valid) when asked. */
function sign(msg: Uint8Array, priv: Uint8Array, highS: boolean): Uint8Array {
  const pub = publicKeyOf(priv);
  const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64url');
  const key = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', d: b64(priv), x: b64(pub.subarray(1, 33)), y: b64(pub.subarray(33)) },
    format: 'jwk',
  });
  const compact = nodeSign('sha256', msg, { key, dsaEncoding: 'ieee-p1363' });
  const r = BigInt(`0x${compact.subarray(0, 32).toString('hex')}`);
  let s = BigInt(`0x${compact.subarray(32).toString('hex')}`);
  if (s > N / 2n) s = N - s;
  if (highS) s = N - s;
  return seq(int(bigToBytes(r)), int(bigToBytes(s)));
}
const spki = (pub: Uint8Array): Uint8Array =>
  seq(seq(oid('1.2.840.10045.2.1'), oid('1.2.840.10045.3.1.7')), tlv(0x03, Uint8Array.of(0), pub));

function certificate(
  subject: Uint8Array,
  issuer: Uint8Array,
  pub: Uint8Array,
  issuerPriv: Uint8Array,
  ca: boolean,
  serial: number,
): Uint8Array {
  const sigAlg = seq(oid('1.2.840.10045.4.3.2'));
  const validity = seq(tlv(0x17, utf8('200101000000Z')), tlv(0x17, utf8('491231235959Z')));
  const bc = seq(
    oid('2.5.29.19'),
    tlv(0x01, Uint8Array.of(0xff)),
    tlv(0x04, ca ? seq(tlv(0x01, Uint8Array.of(0xff))) : seq()),
  );
  const exts = [bc];
  if (ca)
    exts.push(seq(oid('2.5.29.15'), tlv(0x01, Uint8Array.of(0xff)), tlv(0x04, tlv(0x03, Uint8Array.of(1, 0x06)))));
  const tbs = seq(
    tlv(0xa0, int(Uint8Array.of(2))),
    int(Uint8Array.of(serial)),
    sigAlg,
    issuer,
    validity,
    subject,
    spki(pub),
    tlv(0xa3, seq(...exts)),
  );
  return seq(tbs, sigAlg, tlv(0x03, Uint8Array.of(0), sign(tbs, issuerPriv, false)));
}

const rootPriv = seeded('root', 0);
const batchPriv = seeded('batch', 0);
const rootName = name([
  ['2.5.4.6', 'US'],
  ['2.5.4.10', 'Keyward Bench'],
  ['2.5.4.3', 'Keyward Bench Root CA'],
]);
const batchName = name([
  ['2.5.4.6', 'US'],
  ['2.5.4.10', 'Keyward Bench'],
  ['2.5.4.11', 'Authenticator Attestation'],
  ['2.5.4.3', 'Keyward Bench Batch 1'],
]);
const rootCert = certificate(rootName, rootName, publicKeyOf(rootPriv), rootPriv, true, 1);
const batchCert = certificate(batchName, rootName, publicKeyOf(batchPriv), rootPriv, false, 2);
const rootPem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(rootCert).toString('base64')}\n-----END CERTIFICATE-----\n`;
SettingsService.setRootCertificates({ identifier: 'packed', certificates: [rootPem] });
const trustAnchors = [rootCert];

// --- credentials ------------------------------------------------------------------------------
const rpIdHash = sha256(utf8(RP_ID));
const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

interface Credential {
  priv: Uint8Array;
  id: Uint8Array;
  cose: Uint8Array;
}
const credentials: Credential[] = Array.from({ length: COUNT }, (_, i) => {
  const priv = seeded('credential', i);
  const pub = publicKeyOf(priv);
  const cose = encodeCbor(
    new Map<number, unknown>([
      [1, 2],
      [3, -7],
      [-1, 1],
      [-2, pub.subarray(1, 33)],
      [-3, pub.subarray(33)],
    ]),
  );
  return { priv, id: seeded('credential-id', i), cose };
});

const clientData = (type: string, challenge: string): Uint8Array =>
  utf8(`{"type":"${type}","challenge":"${challenge}","origin":"${ORIGIN}","crossOrigin":false}`);

// Authentication inputs.
const authInputs = credentials.map((c, i) => {
  const challenge = bytesToBase64url(seeded('auth-challenge', i));
  const authData = concat(rpIdHash, Uint8Array.of(0x05), u32(1000 + i));
  const cdj = clientData('webauthn.get', challenge);
  const signature = sign(concat(authData, sha256(cdj)), c.priv, i % 2 === 1);
  const id = bytesToBase64url(c.id);
  const response = {
    id,
    rawId: id,
    type: 'public-key' as const,
    clientExtensionResults: {},
    response: {
      clientDataJSON: bytesToBase64url(cdj),
      authenticatorData: bytesToBase64url(authData),
      signature: bytesToBase64url(signature),
    },
  };
  return { challenge, response, id, cose: c.cose, signCount: 500 + i };
});

// Registration inputs, one set per format.
function registration(fmt: 'none' | 'packed-self' | 'packed-x5c', c: Credential, i: number) {
  const challenge = bytesToBase64url(seeded(`reg-challenge-${fmt}`, i));
  const authData = concat(
    rpIdHash,
    Uint8Array.of(0x45),
    u32(0),
    new Uint8Array(16),
    Uint8Array.of(0, c.id.length),
    c.id,
    c.cose,
  );
  const cdj = clientData('webauthn.create', challenge);
  const signed = concat(authData, sha256(cdj));
  let attStmt: Map<string, unknown>;
  if (fmt === 'none') attStmt = new Map();
  else if (fmt === 'packed-self')
    attStmt = new Map<string, unknown>([
      ['alg', -7],
      ['sig', sign(signed, c.priv, i % 2 === 1)],
    ]);
  else
    attStmt = new Map<string, unknown>([
      ['alg', -7],
      ['sig', sign(signed, batchPriv, i % 2 === 1)],
      ['x5c', [batchCert]],
    ]);
  const attestationObject = encodeCbor(
    new Map<string, unknown>([
      ['fmt', fmt === 'none' ? 'none' : 'packed'],
      ['attStmt', attStmt],
      ['authData', authData],
    ]),
  );
  const id = bytesToBase64url(c.id);
  const response = {
    id,
    rawId: id,
    type: 'public-key' as const,
    clientExtensionResults: {},
    response: {
      clientDataJSON: bytesToBase64url(cdj),
      attestationObject: bytesToBase64url(attestationObject),
      transports: ['usb'],
    },
  };
  return { challenge, response };
}

function rotate<T>(items: T[], run: (item: T) => Promise<unknown>): () => Promise<unknown> {
  let i = 0;
  return () => run(items[i++ % items.length] as T);
}

export default async function main(): Promise<void> {
  // Sanity: both libraries accept every input before anything is timed.
  for (const a of authInputs.slice(0, 4)) {
    await verifyAuthenticationResponse({
      response: a.response,
      expectedChallenge: a.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { id: a.id, publicKey: a.cose.slice(), signCount: a.signCount },
    });
    const r = await swaAuth({
      response: a.response,
      expectedChallenge: a.challenge,
      expectedOrigin: ORIGIN,
      expectedRPID: RP_ID,
      credential: { id: a.id, publicKey: a.cose.slice(), counter: a.signCount },
      requireUserVerification: false,
    });
    if (!r.verified) throw new Error('SimpleWebAuthn rejected a bench assertion');
  }
  await compare(
    'ES256 authentication (64 credentials, half high-S)',
    {
      '@simplewebauthn/server': rotate(authInputs, (a) =>
        swaAuth({
          response: a.response,
          expectedChallenge: a.challenge,
          expectedOrigin: ORIGIN,
          expectedRPID: RP_ID,
          credential: { id: a.id, publicKey: a.cose.slice(), counter: a.signCount },
          requireUserVerification: false,
        }),
      ),
      '@keyward/webauthn-server': rotate(authInputs, (a) =>
        verifyAuthenticationResponse({
          response: a.response,
          expectedChallenge: a.challenge,
          expectedOrigin: ORIGIN,
          expectedRPID: RP_ID,
          credential: { id: a.id, publicKey: a.cose.slice(), signCount: a.signCount },
        }),
      ),
    },
    { baseline: '@simplewebauthn/server' },
  );
  for (const fmt of ['none', 'packed-self', 'packed-x5c'] as const) {
    const inputs = credentials.map((c, i) => registration(fmt, c, i));
    const x5c = fmt === 'packed-x5c';
    for (const r of inputs.slice(0, 2)) {
      const k = await verifyRegistrationResponse({
        response: r.response,
        expectedChallenge: r.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        ...(x5c ? { attestation: { trustAnchors } } : {}),
      });
      if (x5c && !k.attestationTrusted) throw new Error('keyward did not trust the bench chain');
      const s = await swaReg({
        response: r.response,
        expectedChallenge: r.challenge,
        expectedOrigin: ORIGIN,
        expectedRPID: RP_ID,
        requireUserVerification: false,
      });
      if (!s.verified) throw new Error(`SimpleWebAuthn rejected a bench ${fmt} registration`);
    }
    await compare(
      `registration ${fmt}${x5c ? ' (same batch certificate, root as trust anchor in both)' : ''}`,
      {
        '@simplewebauthn/server': rotate(inputs, (r) =>
          swaReg({
            response: r.response,
            expectedChallenge: r.challenge,
            expectedOrigin: ORIGIN,
            expectedRPID: RP_ID,
            requireUserVerification: false,
          }),
        ),
        '@keyward/webauthn-server': rotate(inputs, (r) =>
          verifyRegistrationResponse({
            response: r.response,
            expectedChallenge: r.challenge,
            expectedOrigin: ORIGIN,
            expectedRPID: RP_ID,
            ...(x5c ? { attestation: { trustAnchors } } : {}),
          }),
        ),
      },
      { baseline: '@simplewebauthn/server' },
    );
  }
}
