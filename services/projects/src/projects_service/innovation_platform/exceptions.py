from __future__ import annotations

from shared_kit.errors import Conflict, NotFound


class PlatformNotFound(NotFound):
    code = "platform_not_found"
    title = "Innovation platform not found"


class KeyLabBatchNotFound(NotFound):
    code = "key_lab_batch_not_found"
    title = "Key-lab application batch not found"


class KeyLabApplicationNotFound(NotFound):
    code = "key_lab_application_not_found"
    title = "Key-lab application not found"


class BatchNumberTaken(Conflict):
    code = "batch_number_taken"
    title = "A batch with this number already exists"
