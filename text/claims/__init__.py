"""Claims in text and how two claims relate: what the extract and link stages store.

:func:`marsad.text.claims.finder.find_claims` finds a text's counted facts and
attributed statements; :func:`marsad.text.claims.compare.compare` says whether two
claims on one slot corroborate or contradict each other;
:func:`marsad.text.claims.relate.relate` does both for two short texts.
"""
