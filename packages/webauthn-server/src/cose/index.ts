/** COSE keys and algorithm constants. */
export { COSE_ALG, COSE_CRV, COSE_KTY, DEFAULT_SUPPORTED_ALGORITHMS } from './constants.ts';
export {
  type CoseEc2Key,
  type CoseKey,
  type CoseOkpKey,
  type CoseRsaKey,
  coseKeyFromMap,
  coseKeyToJwk,
  coseKeyToSpki,
  type PublicKeyJwk,
  parseCoseKey,
} from './key.ts';
