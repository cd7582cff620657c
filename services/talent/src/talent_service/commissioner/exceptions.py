from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed
from shared_kit.i18n import t


class CommissionerNotFound(NotFound):
    code = "commissioner_not_found"
    title = t("未找到科技特派员", "Commissioner not found")


class DispatchNotFound(NotFound):
    code = "commissioner_dispatch_not_found"
    title = t("未找到科技特派员派驻", "Commissioner dispatch not found")


class ServiceLogNotFound(NotFound):
    code = "commissioner_service_log_not_found"
    title = t("未找到科技特派员服务记录", "Commissioner service log not found")


class DispatchCancelled(Conflict):
    code = "dispatch_cancelled"
    title = t("派驻已取消", "The dispatch is cancelled")


class ServiceLogConflict(Conflict):
    code = "service_log_conflict"
    title = t(
        "此次服务（派驻、村、日期）已登记",
        "This visit (dispatch, village, date) is already recorded",
    )


class ImportRejected(ValidationFailed):
    code = "import_rows_invalid"
    title = t(
        "文件中有错误的数据行，未写入任何数据", "The file has invalid rows; nothing was written"
    )
