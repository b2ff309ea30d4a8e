"""Prevention work ("Xavfsiz mahalla"): registry, plans, youth, patrols, events, joint plans, monitoring."""
