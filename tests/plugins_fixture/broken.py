"""A plugin that cannot even be imported."""

raise RuntimeError("broken plugin: missing its configuration")
