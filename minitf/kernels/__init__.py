"""numba kernels: plain Python functions jitted at module level (no graph knowledge)."""
