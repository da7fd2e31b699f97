-- Fetch state per feed address (or X profile URL), shared by every source that follows it, so
-- each address is fetched once per cycle whoever follows it. It carries no user data (an
-- address and what its server said about it), so it needs no row-level security; only the
-- system role, which runs the fetch cycle, is granted it: a user's transaction cannot see or
-- change it at all.
CREATE TABLE feed_fetch_state (
    url text PRIMARY KEY CHECK (char_length(url) BETWEEN 1 AND 2048),
    etag text,
    last_modified text,
    next_check_after timestamptz,
    checked_at timestamptz,
    last_error text,
    consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON feed_fetch_state TO creatorpulse_system;

-- The fetch cycle and a new source's first items look sources up by the address they follow.
CREATE INDEX idx_sources_type_url ON sources (type, url);
