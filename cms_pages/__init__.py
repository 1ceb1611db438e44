"""Site d'information des familles."""
