"""Revisions of the ``boom`` fixture plugin: the first one fails."""
