"""The district and street dashboards (issue 8): cross-app reads.

- `summaries`: builds the pre-aggregated `DashboardFigure` rows from every app's raw rows
  (run by `manage.py refresh_dashboard` and `yangpu_portal.actions.dashboard_refresh`);
- `figures`: what the pages show, read from those rows only (a bounded number of GROUP BY
  queries over a small table, whatever the size of the raw data);
- `charts`: server-drawn SVG bar and line charts;
- `views`: `/dashboard/`, its exports and the monthly report.
"""
