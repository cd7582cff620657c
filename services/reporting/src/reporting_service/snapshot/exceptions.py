from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class PublishedReportNotFound(NotFound):
    code = "published_report_not_found"
    title = "Published report not found"


class PartialReportNotPublishable(Conflict):
    code = "partial_report_not_publishable"
    title = "A report with missing services cannot be published"


class CitiesNotApproved(Conflict):
    code = "cities_not_approved"
    title = "尚有地市的数据未经审核，不能发布；确需发布请填写理由"
