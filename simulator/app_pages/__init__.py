"""The studio's page sections (Streamlit): one module per part of the page.

``app.py`` wires them in ``run()``. Each section only presents: it reads and writes
``st.session_state`` (``state.py``) and draws what ``simulator.studio`` and the engine
return; no section computes a number of its own.
"""
