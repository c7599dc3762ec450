"""marsad-libretranslate: translations from a LibreTranslate server."""

__version__ = "0.1.0"
