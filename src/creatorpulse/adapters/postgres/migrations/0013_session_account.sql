-- Whose a session token is and whether it was signed out, in one statement: every signed-in
-- API request asks both (PgUsers.get_session). As style_nearest (0011):
--   * it sets the scope it is given, transaction-local, before it reads anything, so a
--     read-only unit of work sends it alone; with a NULL scope (the system role, set by the
--     caller) it sets nothing;
--   * SECURITY INVOKER: the caller's role and row-level security apply;
--   * PL/pgSQL keeps its statement's plan for the connection's life: the server neither parses
--     nor plans it per request (the simple-protocol pair it replaces cost both every time).
-- Always one row: the account's columns are NULL when it is gone or outside the scope.
CREATE OR REPLACE FUNCTION session_account(
    scope uuid, owner uuid, token text, checked_at timestamptz
) RETURNS TABLE (
    revoked boolean, id uuid, email text, password_hash text, timezone text,
    delivery_time time, active boolean, email_verified boolean, email_notifications boolean,
    mail_paused text, password_changed_at timestamptz, created_at timestamptz,
    updated_at timestamptz
) LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
    IF scope IS NOT NULL THEN
        PERFORM set_config('app.user_id', scope::text, true);
    END IF;
    RETURN QUERY
        SELECT EXISTS (
                   SELECT 1 FROM revoked_tokens r WHERE r.jti = token AND r.expires_at > checked_at
               ),
               u.id, u.email, u.password_hash, u.timezone, u.delivery_time, u.active,
               u.email_verified, u.email_notifications, u.mail_paused, u.password_changed_at,
               u.created_at, u.updated_at
        FROM (VALUES (1)) AS one (n) LEFT JOIN users u ON u.id = owner;
END
$$;
REVOKE ALL ON FUNCTION session_account(uuid, uuid, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION session_account(uuid, uuid, text, timestamptz)
    TO creatorpulse_app, creatorpulse_system;
