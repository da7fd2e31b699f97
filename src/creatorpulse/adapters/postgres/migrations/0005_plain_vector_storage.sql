-- Keep each 768-dim vector (3 kB) inside its row instead of out-of-line TOAST storage: an exact
-- per-user scan then reads ~100 heap pages instead of ~1,600 buffers (benchmarks/storage_retrieval).
-- The chunk text still compresses or moves out of line on its own, so rows fit a page.
ALTER TABLE style_vectors ALTER COLUMN embedding SET STORAGE PLAIN;
-- Rewrite rows stored before this migration so they benefit too (fast on a young table).
UPDATE style_vectors SET embedding = embedding;
