-- Rate-limit windows and failed sign-ins, shared by every API process (adapters/postgres/
-- limits.py). No user rows: keys are digests of "route|user id", "route|address", email or
-- address. UNLOGGED: no WAL per request; a crash only forgets the counts.
CREATE UNLOGGED TABLE IF NOT EXISTS rate_windows (
    key text COLLATE "C" PRIMARY KEY,
    started double precision NOT NULL,
    hits integer NOT NULL CHECK (hits > 0)
);
CREATE INDEX IF NOT EXISTS idx_rate_windows_started ON rate_windows (started);
CREATE UNLOGGED TABLE IF NOT EXISTS sign_in_failures (
    kind text NOT NULL CHECK (kind IN ('account', 'address')),
    key text COLLATE "C" NOT NULL,
    at double precision NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_sign_in_failures_key ON sign_in_failures (kind, key, at);
CREATE INDEX IF NOT EXISTS idx_sign_in_failures_at ON sign_in_failures (at);
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_windows, sign_in_failures TO creatorpulse_app;
