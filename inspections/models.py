"""Inspections, checklists and plans."""
