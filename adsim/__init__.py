"""``python -m adsim``: the ``adsim`` command under its own name (the library is ``simulator``)."""
