"""Fixtures come from the devstack pytest plugin (real PostgreSQL, principal tokens)."""
