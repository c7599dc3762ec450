"""The plugin's revisions, applied by ``marsad db upgrade`` after the core's."""
