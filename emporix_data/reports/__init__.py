"""Reports: locked-down DuckDB SQL over the loaded tables, ``customer_360``, saved reports.

The engine is pure Python: the CLI (``emporix-data report``, ``emporix-data sql``) and the
Reports page load the tables a query needs (``load_report_frames``), run it on a
``ReportEngine``, and draw the ``ChartSpec`` that ``chart_for`` picks.
"""

from emporix_data.reports.builder import (
    BuiltQuery,
    Dimension,
    Filter,
    Measure,
    QuerySpec,
    build_query,
)
from emporix_data.reports.catalog import CUSTOMER_360, QUERYABLE, TABLE_SCHEMAS, tables_needed
from emporix_data.reports.charts import ChartSpec, chart_for, words
from emporix_data.reports.engine import ReportEngine, ReportResult
from emporix_data.reports.errors import ReportError
from emporix_data.reports.loading import load_report_frames
from emporix_data.reports.saved import (
    SavedReport,
    find_report,
    list_reports,
    save_report,
)

__all__ = [
    "CUSTOMER_360",
    "QUERYABLE",
    "TABLE_SCHEMAS",
    "BuiltQuery",
    "ChartSpec",
    "Dimension",
    "Filter",
    "Measure",
    "QuerySpec",
    "ReportEngine",
    "ReportError",
    "ReportResult",
    "SavedReport",
    "build_query",
    "chart_for",
    "find_report",
    "list_reports",
    "load_report_frames",
    "save_report",
    "tables_needed",
    "words",
]
