"""Rapports."""
