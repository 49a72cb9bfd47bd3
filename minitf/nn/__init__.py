"""minitf.nn."""
