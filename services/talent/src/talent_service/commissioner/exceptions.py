from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed


class CommissionerNotFound(NotFound):
    code = "commissioner_not_found"
    title = "Commissioner not found"


class DispatchNotFound(NotFound):
    code = "commissioner_dispatch_not_found"
    title = "Commissioner dispatch not found"


class ServiceLogNotFound(NotFound):
    code = "commissioner_service_log_not_found"
    title = "Commissioner service log not found"


class DispatchCancelled(Conflict):
    code = "dispatch_cancelled"
    title = "The dispatch is cancelled"


class ServiceLogConflict(Conflict):
    code = "service_log_conflict"
    title = "This visit (dispatch, village, date) is already recorded"


class ImportRejected(ValidationFailed):
    code = "import_rows_invalid"
    title = "The file has invalid rows; nothing was written"
