-- Every fetched item passes source_content's length check (benchmarks/storage_ingest): counting
-- the characters of a 1 KB text cost ~5% of the insert. The rule stays "10 to 10,000
-- characters", decided from the byte length where that settles it (a character is 1 to 4 bytes,
-- so 40+ bytes are 10+ characters and 10,000 bytes or fewer are at most 10,000 characters);
-- characters are counted only for texts under 40 bytes or over 10,000. Added NOT VALID, then
-- validated, so the table is not locked against writes while the rows are checked.
ALTER TABLE source_content DROP CONSTRAINT IF EXISTS source_content_content_check;
ALTER TABLE source_content ADD CONSTRAINT source_content_content_check CHECK (
    (octet_length(content) >= 40 OR char_length(content) >= 10)
    AND (octet_length(content) <= 10000 OR char_length(content) <= 10000)
) NOT VALID;
ALTER TABLE source_content VALIDATE CONSTRAINT source_content_content_check;
