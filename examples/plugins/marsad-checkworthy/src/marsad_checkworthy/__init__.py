"""marsad-checkworthy: how check-worthy each claim is, and why."""

__version__ = "0.1.0"
