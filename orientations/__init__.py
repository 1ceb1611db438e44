"""Orientations."""
