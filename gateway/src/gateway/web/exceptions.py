"""Why the dashboard's files cannot be served: problems with stable codes."""

from __future__ import annotations

from shared_kit.errors import AppError, NotFound


class DashboardNotBuilt(AppError):
    status, code, title = 503, "dashboard_not_built", "Dashboard not built"


class AssetNotFound(NotFound):
    code, title = "asset_not_found", "Asset not found"
