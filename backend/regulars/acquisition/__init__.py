"""Acquisition: channel QR codes, the public follow flow, wallets, attribution and referral."""
