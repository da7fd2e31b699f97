"""Local servers on 127.0.0.1 that speak real HTTP, for adapters' integration tests."""
