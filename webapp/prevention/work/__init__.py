"""Prevention work in the mahalla: youth, "Fidokor Yoshlar" patrols, advocacy events, joint plans, monitoring."""
