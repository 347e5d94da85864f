"""Fælles: municipal SDG and participation platform."""

__version__ = "0.1.0"
