"""The exact solvers: the concave allocator, whole units and S-curves, and diagnoses."""
