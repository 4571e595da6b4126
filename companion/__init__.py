"""Companion: a desktop learning companion for an online-course platform."""

__version__ = "0.1.0"
APP_NAME = "Companion"
