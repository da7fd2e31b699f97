-- Row-level security that holds even against our own bugs.
--   creatorpulse_app     the service's login role: not the owner, no BYPASSRLS, NOINHERIT.
--                        Sees a row only when it belongs to current_setting('app.user_id'),
--                        which the adapter sets per transaction; unset means no rows at all.
--   creatorpulse_system  NOLOGIN; the app becomes it with SET LOCAL ROLE, inside one
--                        transaction, for the explicit system scope (sign-in lookups by email,
--                        token links, daily sweeps, cleanup). NOINHERIT on the app role means
--                        the system policies never apply to plain app transactions.
DO $$ BEGIN
    CREATE ROLE creatorpulse_app LOGIN NOINHERIT NOBYPASSRLS;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
DO $$ BEGIN
    CREATE ROLE creatorpulse_system NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object THEN NULL;
END $$;
-- Only when needed: naming BYPASSRLS at all in ALTER ROLE needs a superuser, which the owner of
-- a hosted database (CREATEROLE, README) is not.
DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'creatorpulse_app'
               AND (rolinherit OR rolbypassrls)) THEN
        ALTER ROLE creatorpulse_app NOINHERIT NOBYPASSRLS;
    END IF;
END $$;
GRANT creatorpulse_system TO creatorpulse_app;

CREATE FUNCTION app_user_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT nullif(current_setting('app.user_id', true), '')::uuid
$$;

GRANT USAGE ON SCHEMA public TO creatorpulse_app, creatorpulse_system;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    users, action_tokens, sources, user_style_posts, style_vectors, source_content,
    generated_drafts, draft_feedback, email_delivery_log
    TO creatorpulse_app, creatorpulse_system;
GRANT EXECUTE ON FUNCTION app_user_id() TO creatorpulse_app, creatorpulse_system;

DO $$
DECLARE
    t text;
    owner_column text;
BEGIN
    FOR t, owner_column IN VALUES
        ('users', 'id'), ('action_tokens', 'user_id'), ('sources', 'user_id'),
        ('user_style_posts', 'user_id'), ('style_vectors', 'user_id'),
        ('source_content', 'user_id'), ('generated_drafts', 'user_id'),
        ('draft_feedback', 'user_id'), ('email_delivery_log', 'user_id')
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR ALL TO creatorpulse_app USING (%I = app_user_id()) '
            'WITH CHECK (%I = app_user_id())', t || '_owner', t, owner_column, owner_column);
        EXECUTE format(
            'CREATE POLICY %I ON %I FOR ALL TO creatorpulse_system USING (true) WITH CHECK (true)',
            t || '_system', t);
    END LOOP;
END $$;
