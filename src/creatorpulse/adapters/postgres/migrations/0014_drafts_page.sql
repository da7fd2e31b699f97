-- A page of a creator's drafts and how many they have, in one statement (PgDrafts.list_page:
-- GET /v1/drafts, the dashboard). As session_account (0013) and style_nearest (0011): it sets
-- the scope it is given before it reads, so a read-only unit of work sends it alone; SECURITY
-- INVOKER; the plan is kept for the connection's life. The total comes back even past the last
-- page (one row of NULL draft columns). Columns as repositories_drafts.DRAFT, kept in step by
-- hand; every column reference is qualified, the output columns being variables here.
CREATE OR REPLACE FUNCTION drafts_page(scope uuid, owner uuid, page_size integer, skip integer)
RETURNS TABLE (
    total bigint, id uuid, user_id uuid, content text, source_item_id uuid, source_name text,
    status text, feedback_token_hash text, email_sent_at timestamptz, character_count integer,
    engagement_score double precision, metadata jsonb, created_at timestamptz,
    updated_at timestamptz
) LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
    IF scope IS NOT NULL THEN
        PERFORM set_config('app.user_id', scope::text, true);
    END IF;
    RETURN QUERY
        SELECT n.total, d.id, d.user_id, d.content, d.source_content_id, d.source_name,
               d.status, d.feedback_token_hash, d.email_sent_at, d.character_count,
               d.engagement_score::float8, d.generation_metadata, d.created_at, d.updated_at
        FROM (SELECT count(*) AS total FROM generated_drafts g WHERE g.user_id = owner) n
        LEFT JOIN LATERAL (
            SELECT * FROM generated_drafts g WHERE g.user_id = owner
            ORDER BY g.created_at DESC, g.id DESC LIMIT page_size OFFSET skip
        ) d ON true
        ORDER BY d.created_at DESC, d.id DESC;
END
$$;
REVOKE ALL ON FUNCTION drafts_page(uuid, uuid, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION drafts_page(uuid, uuid, integer, integer)
    TO creatorpulse_app, creatorpulse_system;
