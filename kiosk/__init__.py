"""Offline digital-human service kiosk."""
