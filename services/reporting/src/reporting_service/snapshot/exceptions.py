from __future__ import annotations

from shared_kit.errors import Conflict, NotFound
from shared_kit.i18n import t


class PublishedReportNotFound(NotFound):
    code = "published_report_not_found"
    title = t("未找到已发布的报告", "Published report not found")


class PartialReportNotPublishable(Conflict):
    code = "partial_report_not_publishable"
    title = t(
        "有业务服务未答复，报告不完整，不能发布",
        "A report with missing services cannot be published",
    )


class CitiesNotApproved(Conflict):
    code = "cities_not_approved"
    title = t(
        "尚有地市的数据未经审核，不能发布；确需发布请填写理由",
        "Some cities' data is not approved; publishing needs a stated reason",
    )
