"""Built-in plugins. Each module is an ordinary marsad plugin, registered by the core
from a tuple exactly as third-party plugins are found through entry points, and using
only the public API in :mod:`marsad.core`."""
