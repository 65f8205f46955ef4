"""Tests of the Sage 100 Contractor record API."""
