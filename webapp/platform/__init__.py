"""Platform: sign-in and users, territories, notifications, background jobs, shared helpers."""
