/**
 * Public-key point validation for the short-Weierstrass curves WebAuthn uses (P-256, P-384, P-521,
 * secp256k1). All four have cofactor 1, so an affine point (x, y) with 0 <= x, y < p that satisfies
 * y^2 = x^3 + ax + b (mod p) is a valid public key (SEC 1 §3.2.2.1, NIST SP 800-56A §5.6.2.3.4).
 * The curve constants come from noble; the check itself is a few BigInt operations, several times
 * cheaper than building a noble Point. Not public.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

interface CurveParams {
  readonly p: bigint;
  readonly a: bigint;
  readonly b: bigint;
}

const params = new Map<number, CurveParams>();

function curveParams(crv: number): CurveParams {
  let c = params.get(crv);
  if (!c) {
    const curve = crv === 1 ? p256 : crv === 2 ? p384 : crv === 3 ? p521 : secp256k1;
    const { p, a, b } = curve.Point.CURVE();
    c = { p, a, b };
    params.set(crv, c);
  }
  return c;
}

function bigEndian(bytes: Uint8Array, start: number, length: number): bigint {
  const view = new DataView(bytes.buffer, bytes.byteOffset + start, length);
  let v = 0n;
  let i = 0;
  for (; i < length % 8; i++) v = (v << 8n) | BigInt(view.getUint8(i));
  for (; i < length; i += 8) v = (v << 64n) | view.getBigUint64(i);
  return v;
}

/**
 * Whether `point` (uncompressed SEC 1: `04 || x || y`, coordinates of `size` bytes) is on curve
 * `crv` (COSE curve id 1, 2, 3 or 8).
 */
export function isValidEcPoint(crv: number, point: Uint8Array, size: number): boolean {
  if (point.length !== 1 + 2 * size || point[0] !== 4) return false;
  const { p, a, b } = curveParams(crv);
  const x = bigEndian(point, 1, size);
  const y = bigEndian(point, 1 + size, size);
  if (x >= p || y >= p) return false;
  return (y * y - ((x * x + a) * x + b)) % p === 0n;
}
