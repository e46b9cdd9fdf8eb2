"""Accounts and the support policy: who may have which kind of support."""
