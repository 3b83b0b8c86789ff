"""Transparency: figures over reports, alerts, decisions and referrals for a period, a report
with charts (HTML, PDF), CSV and JSON, and EU DSA statements of reasons without personal data."""
