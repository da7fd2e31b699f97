-- Style-training jobs behind POST /v1/style/upload and /v1/style/retrain (user data: RLS).
CREATE TABLE style_jobs (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    retrain boolean NOT NULL DEFAULT false,
    status text NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    total_posts integer NOT NULL CHECK (total_posts >= 0),
    processed_posts integer NOT NULL CHECK (processed_posts BETWEEN 0 AND total_posts),
    message text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX idx_style_jobs_user_created ON style_jobs (user_id, created_at DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON style_jobs TO creatorpulse_app, creatorpulse_system;
ALTER TABLE style_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE style_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY style_jobs_owner ON style_jobs FOR ALL TO creatorpulse_app
    USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id());
CREATE POLICY style_jobs_system ON style_jobs FOR ALL TO creatorpulse_system
    USING (true) WITH CHECK (true);

-- Signed-out JWTs, by token id, until they would have expired anyway. No user data: only
-- random ids, so no RLS; the app may add and check, cleanup deletes what has expired.
CREATE TABLE revoked_tokens (
    jti text PRIMARY KEY CHECK (char_length(jti) BETWEEN 16 AND 64),
    expires_at timestamptz NOT NULL
);
CREATE INDEX idx_revoked_tokens_expires ON revoked_tokens (expires_at);
GRANT SELECT, INSERT, DELETE ON revoked_tokens TO creatorpulse_app, creatorpulse_system;
