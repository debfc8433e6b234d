"""Converters from other rostering formats into ordinary scenario data."""
