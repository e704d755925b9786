"""Synthetic demo city: orchestrates every app's registered demo generator."""
