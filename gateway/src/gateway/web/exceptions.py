"""Why the dashboard's files cannot be served: problems with stable codes."""

from __future__ import annotations

from shared_kit.errors import AppError, NotFound
from shared_kit.i18n import t


class DashboardNotBuilt(AppError):
    status, code, title = 503, "dashboard_not_built", t("管理看板尚未构建", "Dashboard not built")


class AssetNotFound(NotFound):
    code, title = "asset_not_found", t("未找到资源文件", "Asset not found")
