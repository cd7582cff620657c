from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ServiceUnavailable
from shared_kit.i18n import t


class PersonNotFound(NotFound):
    code = "person_not_found"
    title = t("未找到人员", "Person not found")


class PersonConflict(Conflict):
    code = "person_conflict"
    title = t("已有使用此身份证件的人员", "A person with this identity document already exists")


class PiiKeyMissing(ServiceUnavailable):
    code = "pii_key_missing"
    title = t(
        "未设置 TALENT_PII_KEY，无法存储或显示个人身份信息",
        "Personal identifiers cannot be stored or revealed: TALENT_PII_KEY is not set",
    )
