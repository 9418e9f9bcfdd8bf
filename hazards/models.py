"""The hazard register (issue: hazard database)."""
