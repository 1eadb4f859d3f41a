"""Scheduled work: surveys, reminders, announcements, chasing.

Drives handlers/; never imports telegram."""
