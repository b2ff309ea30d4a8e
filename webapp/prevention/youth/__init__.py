"""Youth work: the register of non-organised youth, referrals, activity logs."""
