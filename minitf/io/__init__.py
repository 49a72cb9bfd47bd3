"""minitf.io."""
