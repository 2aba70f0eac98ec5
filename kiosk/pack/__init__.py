"""Venue content packs: loading, validating and holding the last good one."""
