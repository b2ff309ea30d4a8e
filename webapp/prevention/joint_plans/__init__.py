"""Plans of joint activities with other bodies."""
