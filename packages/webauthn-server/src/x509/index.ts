/** X.509 parsing and path validation for attestation. */
export {
  type CertificateExtension,
  type GeneralName,
  NAME_OID,
  type NameAttribute,
  type ParsedCertificate,
  parseCertificate,
  subjectAttribute,
} from './certificate.ts';
export { type ChainValidation, isSignedBy, schemeOfCertificate, validatePath, verifyChain } from './chain.ts';
export { certificatesFromPemOrDer } from './pem.ts';
