-- A page of drafts without their generation records (PgDrafts.list_page, GET /v1/drafts): a
-- draft's `generation_metadata` is 1-3 KB of JSON that only the explanation of one draft reads,
-- and the list sent, and the client decoded, it for every draft shown; the feedback token's
-- hash never leaves the server either. Otherwise as 0014 (which this replaces: a function's
-- result columns cannot be changed in place).
DROP FUNCTION drafts_page(uuid, uuid, integer, integer);
CREATE FUNCTION drafts_page(scope uuid, owner uuid, page_size integer, skip integer)
RETURNS TABLE (
    total bigint, id uuid, user_id uuid, content text, source_item_id uuid, source_name text,
    status text, email_sent_at timestamptz, character_count integer,
    engagement_score double precision, created_at timestamptz, updated_at timestamptz
) LANGUAGE plpgsql VOLATILE SECURITY INVOKER AS $$
BEGIN
    IF scope IS NOT NULL THEN
        PERFORM set_config('app.user_id', scope::text, true);
    END IF;
    RETURN QUERY
        SELECT n.total, d.id, d.user_id, d.content, d.source_content_id, d.source_name,
               d.status, d.email_sent_at, d.character_count, d.engagement_score::float8,
               d.created_at, d.updated_at
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
