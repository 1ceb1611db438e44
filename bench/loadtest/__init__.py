"""The load test of the production stack on loopback (``make loadtest``): see ``__main__``."""
