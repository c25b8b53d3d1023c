"""Spreadsheets in and out: reading uploads safely, plans as sheets, imports with a preview."""
