"""marsad.text: language tooling for news text, with no database and no plugin state.

Public for third-party plugins as for the built-in ones; everything here is a pure
function of its input (and of the lexicons shipped in ``lexicons/``):

- :mod:`marsad.text.arabic`: normalization to display text and match keys with offset
  maps back to the original, sentences;
- :mod:`marsad.text.tokens`: tokens with their spans, clitics, lexicon reading;
- :mod:`marsad.text.numbers`, :mod:`marsad.text.numberwords`: quantities and their
  units, numbers written in words;
- :mod:`marsad.text.dates`: publication times and datelines;
- :mod:`marsad.text.encoding`: reading bytes of unknown encoding;
- :mod:`marsad.text.plain`: a plain-text article's title, dateline and paragraphs;
- :mod:`marsad.text.reuse`: passages two texts share;
- :mod:`marsad.text.claims`: claims in a text (statements, quantities, speakers,
  channels, cited sources) and how two claims relate.
"""
