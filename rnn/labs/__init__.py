"""Engines behind the lesson pages' experiments ("labs"): plain functions and records, no UI."""
