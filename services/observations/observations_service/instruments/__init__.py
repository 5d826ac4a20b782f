"""Instrument definitions shipped as data (``*.json``); see ``domain/instrument.py``."""
