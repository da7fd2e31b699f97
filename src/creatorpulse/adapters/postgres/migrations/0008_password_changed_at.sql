-- When the password last changed: sessions (JWTs) issued before it no longer count (ASVS 7.4.3).
-- NULL for accounts whose password never changed.
ALTER TABLE users ADD COLUMN IF NOT EXISTS password_changed_at timestamptz;
