"""Visitor analytics: one SQLite row per turn (redacted), engagement counts, reports."""
