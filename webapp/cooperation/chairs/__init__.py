"""What a mahalla chair may read: the appeals of their mahalla in the categories an admin shares
with chairs, never crime-related ones; every view logged in the audit log."""
