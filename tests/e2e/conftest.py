from pg import pg_clean, pg_owner_url  # noqa: F401 - fixtures
