-- Background work's own records. Neither holds user data (a claim key names a job and a slot,
-- or a user id and a date; a dead letter names a task and its JSON arguments), and only the
-- system role, which runs the worker and the scheduler, is granted them: a user's
-- transaction cannot see or change them at all, so they need no row-level security.

-- A claim makes one run of a job happen once: a scheduler tick per (job, slot), a day's drafts
-- per (user, local date). INSERT … ON CONFLICT DO NOTHING decides who runs.
CREATE TABLE job_claims (
    key text PRIMARY KEY CHECK (char_length(key) BETWEEN 1 AND 200),
    claimed_at timestamptz NOT NULL,
    finished_at timestamptz
);
CREATE INDEX idx_job_claims_claimed ON job_claims (claimed_at);
GRANT SELECT, INSERT, UPDATE, DELETE ON job_claims TO creatorpulse_system;

-- Tasks that exhausted their retries, for an operator to list and replay.
CREATE TABLE dead_letters (
    id uuid PRIMARY KEY,
    task_name text NOT NULL CHECK (char_length(task_name) BETWEEN 1 AND 200),
    args jsonb NOT NULL DEFAULT '{}'::jsonb,
    error text NOT NULL,
    attempts integer NOT NULL CHECK (attempts >= 0),
    created_at timestamptz NOT NULL,
    replayed_at timestamptz
);
CREATE INDEX idx_dead_letters_created ON dead_letters (created_at DESC);
GRANT SELECT, INSERT, UPDATE, DELETE ON dead_letters TO creatorpulse_system;
