"""Alembic migrations of the marsad core schema, shipped inside the package."""
