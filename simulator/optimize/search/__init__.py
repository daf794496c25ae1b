"""Search by simulation (Optuna): the study, its space, its score and its verdict."""
