-- Indexes for lookups that 001 left to whole-table reads.
--
-- Usernames are matched without regard to case at sign-in (lower(username) = lower($1)), but the
-- UNIQUE constraint of 001 is on the text as typed, so that lookup could not use an index: every
-- password step read the whole accounts table (found by the load bench: with 235,000 accounts,
-- millions of rows read per second of sign-ins). This index serves the lookup, and makes "Alice"
-- and "alice" one username, so a sign-in can never match two accounts. On an existing database
-- holding two usernames that differ only in case, this migration fails with a unique violation
-- naming them: rename one, then start the portal again.
CREATE UNIQUE INDEX accounts_username_lower ON accounts (lower(username));

-- Every request with a session reads the account's live app passwords; deleting an account
-- cascades to its app passwords and challenges.
CREATE INDEX app_passwords_account ON app_passwords (account_id);
CREATE INDEX challenges_account ON challenges (account_id);

-- Each index is built inside the migration's transaction, which blocks writes to its table while
-- it is built (about a second per million rows on a small server).
