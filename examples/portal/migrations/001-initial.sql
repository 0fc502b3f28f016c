-- Keyward portal: initial schema. Every timestamp is timestamptz; ids are uuids made by the app.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE accounts (
  id uuid PRIMARY KEY,
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  roles text[] NOT NULL DEFAULT '{}',
  default_method_id uuid,
  created_at timestamptz NOT NULL
);

-- Enrolled MFA methods: one row per authenticator app, phone number or FIDO2 credential.
CREATE TABLE methods (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('authenticatorApp', 'sms', 'voice', 'alternatePhone', 'officePhone', 'fido2', 'smartcard')),
  label text,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  created_by uuid,
  -- authenticatorApp: base32 secret and the last accepted time step (replay protection)
  totp_secret text,
  totp_last_step integer,
  -- phones: E.164 number
  phone text,
  -- fido2: the WebAuthn credential
  credential_id text UNIQUE,
  public_key bytea,
  sign_count bigint,
  transports text[],
  aaguid text,
  backup_eligible boolean,
  backed_up boolean
);
CREATE INDEX methods_account ON methods (account_id);

CREATE TABLE sessions (
  id_hash text PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  stage text NOT NULL CHECK (stage IN ('mfa', 'full')),
  factors jsonb NOT NULL,
  context jsonb NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Single-use challenges with expiry: WebAuthn challenges, one-time codes, pending enrolments,
-- push approvals. Consumed with UPDATE ... WHERE used_at IS NULL RETURNING (atomic).
CREATE TABLE challenges (
  id uuid PRIMARY KEY,
  purpose text NOT NULL,
  session_hash text,
  account_id uuid REFERENCES accounts (id) ON DELETE CASCADE,
  challenge text,
  code_hash text,
  data jsonb NOT NULL DEFAULT '{}',
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  approved_at timestamptz,
  denied_at timestamptz,
  used_at timestamptz
);
CREATE INDEX challenges_challenge ON challenges (challenge);
CREATE INDEX challenges_expires ON challenges (expires_at);

CREATE TABLE rate_limits (
  key text PRIMARY KEY,
  count integer NOT NULL,
  window_start timestamptz NOT NULL
);

CREATE TABLE known_devices (
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  device_hash text NOT NULL,
  first_seen_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  PRIMARY KEY (account_id, device_hash)
);

CREATE TABLE app_passwords (
  id uuid PRIMARY KEY,
  account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name text NOT NULL,
  hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL,
  last_used_at timestamptz,
  revoked_at timestamptz
);

-- Messages the default sender "delivers": SMS, voice calls and push approvals.
CREATE TABLE outbox (
  id uuid PRIMARY KEY,
  channel text NOT NULL,
  recipient text NOT NULL,
  account_id uuid,
  body text NOT NULL,
  challenge_id uuid,
  created_at timestamptz NOT NULL
);

-- Append-only audit log: the trigger below refuses UPDATE and DELETE.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL,
  actor_id uuid,
  account_id uuid,
  event text NOT NULL,
  reason text,
  detail jsonb NOT NULL DEFAULT '{}',
  ip text
);
CREATE INDEX audit_account ON audit_log (account_id, id);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
