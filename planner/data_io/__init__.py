"""Bringing data in and out: spreadsheet and CSV imports with their preview, plan files
(JSON and Excel), and the workbooks every export writes."""

from planner.data_io.views import bp

blueprints = (bp,)
