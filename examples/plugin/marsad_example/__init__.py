"""An example marsad plugin package."""
