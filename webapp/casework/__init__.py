"""Casework on appeals: the appeal subject, deadlines, replies, ratings, supervision."""
