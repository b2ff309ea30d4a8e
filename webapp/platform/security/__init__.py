"""Web defences that every response or the start-up needs: security headers, cookie policy and
the rate-limit storage check (webapp.platform.security.headers, .startup)."""
