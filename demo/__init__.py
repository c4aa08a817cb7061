"""The demo programme and synthetic benchmark data: data files in `data/`, small loaders that seed them.

A top-level app because it is the only code that depends on every other app; domain code should not import it.
"""
