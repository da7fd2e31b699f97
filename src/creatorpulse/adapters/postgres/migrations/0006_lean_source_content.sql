-- source_content takes every fetched item, so each index and trigger on it is paid per row
-- (benchmarks/storage_ingest). These serve no query of ours:
--   * the seed's (source_id, processed) and (published_at DESC) indexes: recent items are read
--     per user through idx_source_content_user_recent; retention scans by created_at;
--   * the FK user_id -> users: the (source_id, user_id) -> sources FK already ties each item to
--     its owner's source, and deleting a user cascades through sources.
DROP INDEX IF EXISTS idx_source_content_source_id_processed;
DROP INDEX IF EXISTS idx_source_content_published_at;
ALTER TABLE source_content DROP CONSTRAINT IF EXISTS source_content_user_id_fkey;
