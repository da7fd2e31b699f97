"""Local servers that speak the real wire protocols of the services we call."""
