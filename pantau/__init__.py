"""Pantau e-KTP: e-KTP recording and printing analytics for Disdukcapil offices."""

__version__ = "0.1.0"
