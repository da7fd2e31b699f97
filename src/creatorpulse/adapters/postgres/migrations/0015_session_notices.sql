-- Tell every API process when what a session check reads may have changed: an account (its
-- row updated or deleted, the table truncated) or a sign-out (a revoked token id). Each process
-- LISTENs on the channel and clears its SessionMemo on any notice, so a memo never outlives
-- a change committed anywhere by more than the notice's trip. Statement-level, with no payload:
-- one notice per statement, and PostgreSQL folds identical notices of one transaction into one.
-- Sent at commit, never for a transaction that rolls back.
CREATE OR REPLACE FUNCTION notify_session_change() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER AS $$
BEGIN
    PERFORM pg_notify('creatorpulse_sessions', '');
    RETURN NULL;
END
$$;

CREATE TRIGGER users_session_change
    AFTER UPDATE OR DELETE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER users_session_truncate
    AFTER TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION notify_session_change();
CREATE TRIGGER revoked_tokens_session_change
    AFTER INSERT ON revoked_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION notify_session_change();
