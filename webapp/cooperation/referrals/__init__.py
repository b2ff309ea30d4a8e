"""Referrals of appeals to partner organisations: the closed loop of issue 19 (item 2) and its figures."""
