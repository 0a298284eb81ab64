"""Agora: a social learning platform for organizations."""
