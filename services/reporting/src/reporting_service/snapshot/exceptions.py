from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class PublishedReportNotFound(NotFound):
    code = "published_report_not_found"
    title = "Published report not found"


class PartialReportNotPublishable(Conflict):
    code = "partial_report_not_publishable"
    title = "A report with missing services cannot be published"
