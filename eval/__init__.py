"""marsad.eval: measuring the pipeline's output against hand-made gold files.

Each module scores one kind of output (``parse``, ``claims``, ``claims_dev``,
``stories``); :mod:`marsad.eval.commands` adds them to ``marsad eval``.
"""
