"""Gemini (google-genai) adapters: embeddings and draft generation."""
