"""One module per ``adsim`` command; ``cli.py`` discovers them."""
