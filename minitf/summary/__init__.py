"""minitf.summary."""
