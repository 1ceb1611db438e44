"""Conventions et places."""
