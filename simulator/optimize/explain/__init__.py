"""Words for a plan: per-channel sentences, plan-wide messages, marginals, what holds."""
