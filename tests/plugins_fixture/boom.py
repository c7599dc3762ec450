"""A plugin whose first revision raises halfway."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table

from marsad.core import PluginSchema, hookimpl

metadata = MetaData()
Table("boom_rows", metadata, Column("id", Integer, primary_key=True))


@hookimpl
def marsad_register_schema() -> PluginSchema:
    return PluginSchema(metadata=metadata, migrations="plugins_fixture.boom_migrations")
