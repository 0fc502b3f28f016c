import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SCRYPT, type ScryptParams } from './security/passwords.ts';

/** Everything the portal can be told at start-up. */
export interface PortalConfig {
  /** Port to listen on. */
  port: number;
  /** Host to bind (loopback by default). */
  host: string;
  /** The origin browsers use; WebAuthn checks it. */
  origin: string;
  /** WebAuthn relying-party id: `localhost`, since WebAuthn refuses IP addresses. */
  rpID: string;
  /** Name shown by authenticators and in the header. */
  serviceName: string;
  /** `postgres://…` selects PostgreSQL; otherwise PGlite in `dataDir`. */
  databaseUrl: string | undefined;
  /** PGlite data folder; `undefined` keeps the data in memory (tests). */
  dataDir: string | undefined;
  /** Seeds alice, bob and admin and enables the developer outbox page. */
  demo: boolean;
  /** Networks considered usual (CIDR); anything else is an "unusual location". */
  knownNetworks: string[];
  /** Trust X-Forwarded-For for the client address (only behind a trusted proxy). */
  trustProxy: boolean;
  /** Session lifetime and idle limit. */
  sessionTtlSeconds: number;
  sessionIdleSeconds: number;
  /** The half-signed-in state between password and MFA. */
  mfaStepTtlSeconds: number;
  /** Policy configuration for @keyward/mfa-policy (plain JSON), if any. */
  policy: unknown;
  /** Password hashing parameters. */
  scrypt: ScryptParams;
  /** Where the built client bundle is served from. */
  publicDir: string | undefined;
}

/** Reads the configuration from environment variables (see the README's Configuration table). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, baseDir: string = process.cwd()): PortalConfig {
  const port = Number(env.PORT ?? 3000);
  const origin = env.ORIGIN ?? `http://localhost:${port}`;
  const policyFile = env.KEYWARD_POLICY_FILE;
  return {
    port,
    host: env.HOST ?? '127.0.0.1',
    origin,
    rpID: env.RP_ID ?? new URL(origin).hostname,
    serviceName: env.SERVICE_NAME ?? 'Keyward Portal',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: env.KEYWARD_DATA_DIR ?? join(baseDir, '.keyward', 'portal-data'),
    demo: env.KEYWARD_DEMO !== '0',
    knownNetworks: (env.KNOWN_NETWORKS ?? '127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    trustProxy: env.TRUST_PROXY === '1',
    sessionTtlSeconds: Number(env.SESSION_TTL_SECONDS ?? 8 * 3600),
    sessionIdleSeconds: Number(env.SESSION_IDLE_SECONDS ?? 3600),
    mfaStepTtlSeconds: 600,
    policy: policyFile ? JSON.parse(readFileSync(policyFile, 'utf8')) : undefined,
    scrypt: env.SCRYPT_COST ? { ...DEFAULT_SCRYPT, cost: Number(env.SCRYPT_COST) } : DEFAULT_SCRYPT,
    publicDir: undefined,
  };
}
