"""minitf.ops."""
