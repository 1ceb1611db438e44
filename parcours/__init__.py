"""Parcours."""
