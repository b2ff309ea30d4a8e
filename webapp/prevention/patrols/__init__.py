""" "Fidokor Yoshlar" patrols: groups, schedule, reports and incidents."""
