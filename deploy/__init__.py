"""Deployment tools: gunicorn settings, the tested restore (``backup_check``)."""
