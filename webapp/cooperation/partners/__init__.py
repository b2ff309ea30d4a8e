"""Partner organisations per district and their staff (the ``partner`` and ``mahalla_chair`` roles)."""

from webapp.cooperation.partners import roles as roles  # registers the two roles
