"""Accounts, roles, login, API tokens and the permission helpers."""
