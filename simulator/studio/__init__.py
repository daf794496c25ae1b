"""The what-if studio's library: comparisons, transforms, share links, figures and reports.

``app.py`` (Streamlit) and ``adsim report`` only present what these pure functions return;
every number still comes from the expected-value engine (``simulator.api.evaluate``), the
optimiser or the simulation.
"""
