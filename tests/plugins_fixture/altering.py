"""A plugin whose second revision alters a core table: marsad must roll it back."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table

from marsad.core import PluginSchema, hookimpl

metadata = MetaData()
Table("altering_notes", metadata, Column("id", Integer, primary_key=True))
Table("altering_more", metadata, Column("id", Integer, primary_key=True))


@hookimpl
def marsad_register_schema() -> PluginSchema:
    return PluginSchema(metadata=metadata, migrations="plugins_fixture.altering_migrations")
