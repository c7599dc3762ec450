"""A plugin that declares a table named like a core one."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, Table

from marsad.core import PluginSchema, hookimpl

metadata = MetaData()
Table("claims", metadata, Column("id", Integer, primary_key=True))


@hookimpl
def marsad_register_schema() -> PluginSchema:
    return PluginSchema(metadata=metadata, migrations="plugins_fixture.altering_migrations")
