"""Tests against independent references: one module per reported quantity (docs/validation.md)."""
