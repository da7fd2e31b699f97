"""The google-genai client every Gemini adapter expects: explicit API version, no hidden retries."""

from __future__ import annotations

from google import genai
from google.genai import types

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
API_VERSION = "v1beta"  # google-genai 3.x defaults to v1, which lacks parts of the API we use
DEFAULT_EMBEDDING_MODEL = "gemini-embedding-001"
DEFAULT_GENERATION_MODEL = "gemini-2.5-flash"


def make_client(
    api_key: str, *, base_url: str | None = None, timeout: float = 60.0
) -> genai.Client:
    """One attempt per call: our own retry loop owns backoff, so request counts are ours to know."""
    options = types.HttpOptions(
        base_url=base_url or DEFAULT_BASE_URL,
        api_version=API_VERSION,
        timeout=int(timeout * 1000),
        retry_options=types.HttpRetryOptions(attempts=1),
    )
    return genai.Client(api_key=api_key, vertexai=False, http_options=options)
