"""minitf.train."""
