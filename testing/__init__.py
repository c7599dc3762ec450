"""Testing helpers for marsad plugin authors (``marsad.testing``).

Installing marsad registers :mod:`marsad.testing.fixtures` with pytest (entry point
``pytest11``), so a plugin's tests can ask for ``marsad_app``, ``marsad_run`` and
``marsad_graphql`` without a conftest.
"""
