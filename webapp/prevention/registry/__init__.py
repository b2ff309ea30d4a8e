"""Prevention work ("Xavfsiz mahalla"): the prevention registry and individual prevention plans."""
