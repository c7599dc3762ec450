"""Revisions of the ``altering`` fixture plugin: the second one alters a core table."""
