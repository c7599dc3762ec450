"""Tiny third-party plugins for the entry-point tests (imported, never installed)."""
