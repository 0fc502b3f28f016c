import { createHash } from 'node:crypto';
import { bytesToBase64url, utf8ToBytes } from '@keyward/internal';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isWebAuthnError } from '../errors.ts';
import type { MetadataLookup } from '../trust/metadata.ts';
import { certificatesFromPemOrDer } from '../x509/pem.ts';
import { FIDO_MDS_URL, fetchMetadataBlob } from './fetch-metadata-blob.ts';
import { FIDO_MDS_ROOT_CERTIFICATE } from './fido-mds-root.ts';
import { MetadataStore } from './metadata-store.ts';
import { derToJwsSignature, generateTestKey, issueTestCertificate, type TestKey, toPem } from './testing-pki.ts';
import type { MetadataEntry } from './types.ts';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

// A root, an intermediate and a BLOB signing certificate, like FIDO's own chain.
const rootKey = await generateTestKey('rsa');
const intermediateKey = await generateTestKey();
const signerKey = await generateTestKey();
const rsaSignerKey = await generateTestKey('rsa');
const ROOT_NAME = [['2.5.4.3', 'Test MDS Root']] as const;
const INTERMEDIATE_NAME = [['2.5.4.3', 'Test MDS CA']] as const;
const root = await issueTestCertificate({
  subjectKey: rootKey,
  subject: ROOT_NAME,
  issuerKey: rootKey,
  issuer: ROOT_NAME,
  ca: true,
});
const intermediate = await issueTestCertificate({
  subjectKey: intermediateKey,
  subject: INTERMEDIATE_NAME,
  issuerKey: rootKey,
  issuer: ROOT_NAME,
  ca: true,
  serial: 2,
});
const signerCert = (key: TestKey, notAfter?: Date): Promise<Uint8Array> =>
  issueTestCertificate({
    subjectKey: key,
    subject: [['2.5.4.3', 'mds.test']],
    issuerKey: intermediateKey,
    issuer: INTERMEDIATE_NAME,
    serial: 3,
    ...(notAfter ? { notAfter } : {}),
  });
const signer = await signerCert(signerKey);
const rsaSigner = await signerCert(rsaSignerKey);
const otherRootKey = await generateTestKey();
const otherRoot = await issueTestCertificate({
  subjectKey: otherRootKey,
  subject: ROOT_NAME,
  issuerKey: otherRootKey,
  issuer: ROOT_NAME,
  ca: true,
});

const NOW = new Date('2025-06-01T12:00:00Z');
const YUBIKEY = 'ee882879-721c-4913-9775-3dfcce97072a';
const REVOKED = '0bb43545-fd2c-4185-87dd-feb0b2916ace';
const FIXED = '12345678-1234-1234-1234-123456789abc';
const KEY_ID = 'bf7bcaa0d0c6187a8c6abbdd16a15640e7c7bde2';
const attestationRoot = b64(root);

const entries: unknown[] = [
  {
    aaguid: YUBIKEY,
    metadataStatement: { description: 'Security Key', attestationRootCertificates: [attestationRoot] },
    statusReports: [
      { status: 'FIDO_CERTIFIED_L1', effectiveDate: '2020-01-01' },
      { status: 'FIDO_CERTIFIED_L2', effectiveDate: '2023-01-01' },
      { status: 'REVOKED', effectiveDate: '2030-01-01' },
    ],
    timeOfLastStatusChange: '2023-01-01',
  },
  {
    aaguid: REVOKED.toUpperCase(),
    statusReports: [
      { status: 'FIDO_CERTIFIED' },
      { status: 'ATTESTATION_KEY_COMPROMISE', effectiveDate: '2024-02-02' },
    ],
  },
  {
    aaguid: FIXED,
    statusReports: [
      { status: 'USER_VERIFICATION_BYPASS', effectiveDate: '2021-01-01' },
      { status: 'UPDATE_AVAILABLE', effectiveDate: '2021-06-01' },
    ],
  },
  { attestationCertificateKeyIdentifiers: [KEY_ID.toUpperCase()], statusReports: [{ status: 'FIDO_CERTIFIED' }] },
  { aaguid: 'not-a-uuid', statusReports: [] },
  { aaguid: YUBIKEY, statusReports: 'x' },
  'not an object',
];

interface BlobSpec {
  payload?: Record<string, unknown>;
  header?: Record<string, unknown>;
  key?: TestKey;
  x5c?: Uint8Array[];
}
async function blobOf(spec: BlobSpec = {}): Promise<string> {
  const key = spec.key ?? signerKey;
  const x5c = spec.x5c ?? [key === rsaSignerKey ? rsaSigner : signer, intermediate];
  const header = { alg: key.type === 'ec' ? 'ES256' : 'RS256', typ: 'JWT', x5c: x5c.map(b64), ...spec.header };
  const payload = { legalHeader: 'Test legal header', no: 42, nextUpdate: '2025-07-01', entries, ...spec.payload };
  const signingInput = `${bytesToBase64url(utf8ToBytes(JSON.stringify(header)))}.${bytesToBase64url(utf8ToBytes(JSON.stringify(payload)))}`;
  let sig = await key.sign(utf8ToBytes(signingInput));
  if (key.type === 'ec') sig = derToJwsSignature(sig);
  return `${signingInput}.${bytesToBase64url(sig)}`;
}
const blob = await blobOf();
const load = (
  text: string | Uint8Array = blob,
  options: Parameters<typeof MetadataStore.fromBlob>[1] = {},
): Promise<MetadataStore> => MetadataStore.fromBlob(text, { rootCertificate: root, now: NOW, ...options });

describe('MetadataStore.fromBlob: valid BLOBs', () => {
  it('loads an ES256 BLOB chained to the configured root (DER or PEM), bytes or text', async () => {
    const store = await load();
    expect(store.no).toBe(42);
    expect(store.legalHeader).toBe('Test legal header');
    expect(store.nextUpdate?.toISOString()).toBe('2025-07-01T00:00:00.000Z');
    expect(store.entries).toHaveLength(4);
    expect(store.skippedEntries).toBe(3);
    await expect(load(utf8ToBytes(`${blob}\n`), { rootCertificate: toPem(root) })).resolves.toBeInstanceOf(
      MetadataStore,
    );
  });
  it('loads an RS256 BLOB, and one whose x5c ends with the root itself', async () => {
    await expect(load(await blobOf({ key: rsaSignerKey }))).resolves.toBeInstanceOf(MetadataStore);
    await expect(load(await blobOf({ x5c: [signer, intermediate, root] }))).resolves.toBeInstanceOf(MetadataStore);
  });
  it('indexes entries by AAGUID (any case, dashes or not, bytes) and by key identifier', async () => {
    const store = await load();
    expect(store.getEntryByAaguid(YUBIKEY)?.metadataStatement?.description).toBe('Security Key');
    expect(store.getEntryByAaguid(YUBIKEY.toUpperCase().replace(/-/g, ''))).toBe(store.getEntryByAaguid(YUBIKEY));
    const bytes = Uint8Array.from(Buffer.from(YUBIKEY.replace(/-/g, ''), 'hex'));
    expect(store.getEntryByAaguid(bytes)).toBe(store.getEntryByAaguid(YUBIKEY));
    expect(store.getEntryByAaguid(REVOKED)).toBeDefined();
    expect(store.getEntryByAaguid('00000000-0000-0000-0000-000000000000')).toBeUndefined();
    expect(store.getEntryByAaguid('nonsense')).toBeUndefined();
    expect(store.getEntryByAaguid(new Uint8Array(3))).toBeUndefined();
    expect(store.getEntryByCertificateKeyIdentifier(KEY_ID)?.statusReports[0]?.status).toBe('FIDO_CERTIFIED');
    expect(store.getEntryByCertificateKeyIdentifier('00')).toBeUndefined();
  });
  it('reports the latest status in effect, and compromise at any point', async () => {
    const store = await load(blob, { allowExpired: true });
    expect(store.statusOf(YUBIKEY)?.status).toBe('FIDO_CERTIFIED_L2');
    expect(store.statusOf(YUBIKEY, new Date('2031-01-01T00:00:00Z'))?.status).toBe('REVOKED');
    expect(store.statusOf(YUBIKEY, new Date('2019-01-01T00:00:00Z'))).toBeUndefined();
    expect(store.isRevoked(YUBIKEY)).toBe(false);
    expect(store.isRevoked(YUBIKEY, new Date('2031-01-01T00:00:00Z'))).toBe(true);
    expect(store.isRevoked(REVOKED)).toBe(true);
    expect(store.isRevoked(REVOKED, new Date('2024-02-01T00:00:00Z'))).toBe(false);
    expect(store.compromisedStatuses(REVOKED)).toEqual(['ATTESTATION_KEY_COMPROMISE']);
    expect(store.statusOf(FIXED)?.status).toBe('UPDATE_AVAILABLE');
    expect(store.isRevoked(FIXED)).toBe(true);
    expect(store.isRevoked(KEY_ID)).toBe(false);
    expect(store.statusOf('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBeUndefined();
    expect(store.isRevoked('ffffffff-ffff-ffff-ffff-ffffffffffff')).toBe(false);
  });
  it('offers attestation roots as DER trust anchors', async () => {
    const store = await load();
    expect(store.trustAnchorsFor(YUBIKEY)).toEqual([root]);
    expect(store.trustAnchorsFor(REVOKED)).toEqual([]);
    expect(store.trustAnchorsFor('ffffffff-ffff-ffff-ffff-ffffffffffff')).toEqual([]);
  });
  it('is a MetadataLookup for the trust step', async () => {
    const lookup: MetadataLookup = await load();
    expect(lookup.getEntryByAaguid(YUBIKEY, NOW)).toBeDefined();
  });
});

describe('MetadataStore.fromBlob: rejections', () => {
  it('a chain that does not reach the root, or the default FIDO root', async () => {
    await expect(load(blob, { rootCertificate: otherRoot })).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(MetadataStore.fromBlob(blob, { now: NOW })).rejects.toMatchObject({ code: 'ERR_METADATA' });
  });
  it('a broken chain (missing intermediate, wrong order) or no x5c', async () => {
    await expect(load(await blobOf({ x5c: [signer] }))).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(load(await blobOf({ x5c: [intermediate, signer] }))).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(load(await blobOf({ header: { x5c: undefined } }))).rejects.toMatchObject({ code: 'ERR_METADATA' });
  });
  it('a certificate expired (or not yet valid) at now', async () => {
    const expired = await signerCert(signerKey, new Date('2025-05-01T00:00:00Z'));
    await expect(load(await blobOf({ x5c: [expired, intermediate] }))).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(load(blob, { now: new Date('2019-01-01T00:00:00Z') })).rejects.toMatchObject({ code: 'ERR_METADATA' });
  });
  it('a tampered payload or signature, or a signer other than the x5c leaf', async () => {
    const [h, p, s] = blob.split('.') as [string, string, string];
    const otherPayload = bytesToBase64url(
      utf8ToBytes(JSON.stringify({ no: 43, nextUpdate: '2025-07-01', entries: [] })),
    );
    await expect(load(`${h}.${otherPayload}.${s}`)).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(load(`${h}.${p}.${s.slice(0, -4)}AAAA`)).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(load(await blobOf({ x5c: [rsaSigner, intermediate] }))).rejects.toMatchObject({
      code: 'ERR_METADATA',
    });
  });
  it('unsupported algorithms (none, HS256)', async () => {
    for (const alg of ['none', 'HS256'])
      await expect(load(await blobOf({ header: { alg } }))).rejects.toMatchObject({ code: 'ERR_METADATA' });
  });
  it('a payload without a valid no, nextUpdate or entries', async () => {
    for (const payload of [
      { no: -1 },
      { no: '42' },
      { nextUpdate: '2025-13-01' },
      { nextUpdate: 20250701 },
      { entries: {} },
    ]) {
      await expect(load(await blobOf({ payload }))).rejects.toMatchObject({ code: 'ERR_METADATA' });
    }
  });
  it('a stale BLOB unless allowExpired; staleness starts the day after nextUpdate', async () => {
    const lastDay = new Date('2025-07-01T23:59:59Z');
    await expect(load(blob, { now: lastDay })).resolves.toBeInstanceOf(MetadataStore);
    await expect(load(blob, { now: new Date('2025-07-02T00:00:00Z') })).rejects.toMatchObject({ code: 'ERR_METADATA' });
    const store = await load(blob, { now: new Date('2025-08-01T00:00:00Z'), allowExpired: true });
    expect(store.isStale()).toBe(true);
    expect(store.getEntryByAaguid(YUBIKEY)).toBeDefined();
  });
  it('lookups after the loaded store has gone stale', async () => {
    const store = await load();
    expect(store.isStale(NOW)).toBe(false);
    const later = new Date('2025-07-10T00:00:00Z');
    expect(store.isStale(later)).toBe(true);
    expect(() => store.getEntryByAaguid(YUBIKEY, later)).toThrow(expect.objectContaining({ code: 'ERR_METADATA' }));
    expect(() => store.getEntryByCertificateKeyIdentifier(KEY_ID, later)).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA' }),
    );
    expect(() => store.isRevoked(YUBIKEY, later)).toThrow(expect.objectContaining({ code: 'ERR_METADATA' }));
    expect(() => store.trustAnchorsFor(YUBIKEY, later)).toThrow(expect.objectContaining({ code: 'ERR_METADATA' }));
  });
  it('a BLOB older than the last accepted one (rollback)', async () => {
    await expect(load(blob, { minimumNo: 42 })).resolves.toBeInstanceOf(MetadataStore);
    await expect(load(blob, { minimumNo: 43 })).rejects.toMatchObject({ code: 'ERR_METADATA' });
  });
  it('a root option that is not a certificate', async () => {
    await expect(load(blob, { rootCertificate: 'no pem here' })).rejects.toMatchObject({ code: 'ERR_BAD_OPTIONS' });
    await expect(load(blob, { rootCertificate: new Uint8Array([1, 2, 3]) })).rejects.toMatchObject({
      code: 'ERR_METADATA',
    });
  });
  it('a metadata root that is not base64', async () => {
    const store = await load(
      await blobOf({
        payload: {
          entries: [
            { aaguid: YUBIKEY, statusReports: [], metadataStatement: { attestationRootCertificates: ['%%%'] } },
          ],
        },
      }),
    );
    expect(() => store.trustAnchorsFor(YUBIKEY)).toThrow(expect.objectContaining({ code: 'ERR_METADATA' }));
  });
  it('anything at all yields a store or ERR_METADATA', async () => {
    const bytes = utf8ToBytes(blob);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }),
          fc.constant(undefined),
          fc.integer(),
        ),
        async (input) => {
          try {
            await MetadataStore.fromBlob(input as string, { rootCertificate: root, now: NOW });
            return false;
          } catch (error) {
            return isWebAuthnError(error) && error.code === 'ERR_METADATA';
          }
        },
      ),
      { numRuns: 200 },
    );
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.integer({ min: 1, max: 255 }), async (index, xor) => {
        const mutated = bytes.slice();
        mutated[index % mutated.length] = (mutated[index % mutated.length] as number) ^ xor;
        try {
          await load(mutated);
          return false;
        } catch (error) {
          return isWebAuthnError(error) && error.code === 'ERR_METADATA';
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('MetadataStore.fromEntries', () => {
  it('indexes trusted entries, optionally with a nextUpdate', () => {
    const store = MetadataStore.fromEntries([{ aaguid: YUBIKEY, statusReports: [{ status: 'FIDO_CERTIFIED' }] }], {
      now: NOW,
    });
    expect(store.statusOf(YUBIKEY)?.status).toBe('FIDO_CERTIFIED');
    expect(store.isStale(new Date('9000-01-01T00:00:00Z'))).toBe(false);
    const dated = MetadataStore.fromEntries([], { nextUpdate: '2025-01-01', now: NOW, allowExpired: true });
    expect(dated.isStale()).toBe(true);
  });
  it('refuses entries of unusable shape', () => {
    expect(() => MetadataStore.fromEntries([{ aaguid: 'x', statusReports: [] }] as MetadataEntry[])).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA' }),
    );
    expect(() => MetadataStore.fromEntries('x' as unknown as MetadataEntry[])).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA' }),
    );
    expect(() => MetadataStore.fromEntries([], { nextUpdate: 'soon' })).toThrow(
      expect.objectContaining({ code: 'ERR_METADATA' }),
    );
  });
});

describe('MetadataStore: arbitrary entries', () => {
  it('fromEntries gives a store or ERR_METADATA, and lookups on it never throw anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.anything(), { maxLength: 5 }), fc.string(), (entries, id) => {
        let store: MetadataStore;
        try {
          store = MetadataStore.fromEntries(entries as MetadataEntry[]);
        } catch (error) {
          return isWebAuthnError(error) && error.code === 'ERR_METADATA';
        }
        for (const lookup of [
          () => store.statusOf(id),
          () => store.isRevoked(id),
          () => store.getEntryByCertificateKeyIdentifier(id),
        ]) {
          lookup();
        }
        try {
          store.trustAnchorsFor(id);
        } catch (error) {
          if (!(isWebAuthnError(error) && error.code === 'ERR_METADATA')) return false;
        }
        return true;
      }),
      { numRuns: 500 },
    );
  });
  it('a signed BLOB with arbitrary entries loads, keeping only usable ones', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.jsonValue(), { maxLength: 4 }), async (junk) => {
        const store = await load(await blobOf({ payload: { entries: [...junk, entries[0]] } }));
        return (
          store.entries.length + store.skippedEntries === junk.length + 1 &&
          store.getEntryByAaguid(YUBIKEY) !== undefined
        );
      }),
      { numRuns: 30 },
    );
  });
});

describe('the default root and fetchMetadataBlob', () => {
  it('embeds GlobalSign Root CA - R3 (the FIDO MDS root)', () => {
    const [der] = certificatesFromPemOrDer(FIDO_MDS_ROOT_CERTIFICATE);
    expect(
      createHash('sha256')
        .update(der as Uint8Array)
        .digest('hex'),
    ).toBe('cbb522d7b7f127ad6a0113865bdf1cd4102e7d0759af635a7cf4720dc963c53b');
  });
  it('returns the body of a 2xx answer from the FIDO address by default', async () => {
    const seen: string[] = [];
    const text = await fetchMetadataBlob(undefined, async (url) => {
      seen.push(url);
      return { ok: true, status: 200, text: async () => blob };
    });
    expect(text).toBe(blob);
    expect(seen).toEqual([FIDO_MDS_URL]);
  });
  it('fails with ERR_METADATA on an HTTP error, a network error or no fetch at all', async () => {
    await expect(
      fetchMetadataBlob('https://x.test/', async () => ({ ok: false, status: 503, text: async () => '' })),
    ).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(
      fetchMetadataBlob('https://x.test/', async () => {
        throw new TypeError('fetch failed');
      }),
    ).rejects.toMatchObject({ code: 'ERR_METADATA' });
    await expect(fetchMetadataBlob('https://x.test/', null as unknown as undefined)).rejects.toMatchObject({
      code: 'ERR_METADATA',
    });
  });
});
