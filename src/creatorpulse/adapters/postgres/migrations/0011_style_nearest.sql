-- A creator's nearest style chunks in one statement (PgStyleChunks.nearest). A read-only unit
-- of work otherwise pipelines its scope and the query as two statements, which cost the client
-- more than the search costs the server (benchmarks/storage_retrieval).
--   * The function sets the scope it is given, transaction-local as the adapter does, then
--     searches: PL/pgSQL runs its statements in order, so the scope is in place before any row
--     is read. With a NULL scope (the system role, set by the caller) it sets nothing.
--   * SECURITY INVOKER: the caller's role and row-level security apply.
--   * Its SET clause scopes every setting made inside to the call (the scope included): one
--     user's ~200 rows sit on ~100 adjacent pages, which an index scan reads in a quarter less
--     time than a bitmap scan, whose extra pass the planner's estimate does not see.
CREATE OR REPLACE FUNCTION style_nearest(scope uuid, owner uuid, query vector, k integer)
RETURNS TABLE (
    id uuid, user_id uuid, style_post_id uuid, content text, created_at timestamptz,
    distance double precision
) LANGUAGE plpgsql VOLATILE SECURITY INVOKER SET enable_bitmapscan = off AS $$
BEGIN
    IF scope IS NOT NULL THEN
        PERFORM set_config('app.user_id', scope::text, true);
    END IF;
    RETURN QUERY
        SELECT v.id, v.user_id, v.style_post_id, v.content, v.created_at,
               v.embedding <=> query AS distance
        FROM style_vectors v WHERE v.user_id = owner
        ORDER BY 6, v.id LIMIT k;  -- by position: the output columns are variables here
END
$$;
REVOKE ALL ON FUNCTION style_nearest(uuid, uuid, vector, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION style_nearest(uuid, uuid, vector, integer)
    TO creatorpulse_app, creatorpulse_system;
