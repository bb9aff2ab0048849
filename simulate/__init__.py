"""torch simulator of the paper's model and Algorithm 1 (data, model, attacks, sweeps, store)."""
