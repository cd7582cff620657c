from __future__ import annotations

from shared_kit.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared_kit.i18n import t


class EnterpriseNotFound(NotFound):
    code = "enterprise_not_found"
    title = t("未找到企业", "Enterprise not found")


class EnterpriseExists(Conflict):
    code = "enterprise_exists"
    title = t(
        "该统一社会信用代码的企业已登记", "An enterprise with this USCC is already registered"
    )
    unique_constraints = ("uq_enterprises_uscc",)


class OverrideNotAllowed(Forbidden):
    code = "override_not_allowed"
    title = t(
        "校验位不符的统一社会信用代码只能由管理员登记",
        "Only an admin may register a USCC that fails its check digit",
    )


class InvalidUscc(ValidationFailed):
    code = "invalid_uscc"
    title = t("统一社会信用代码无效", "Invalid unified social credit code")


class UnknownEnterprise(ValidationFailed):
    code = "unknown_enterprise"
    title = t("该企业不在企业名录中", "The enterprise is not in the registry")


class ImportInvalid(ValidationFailed):
    code = "import_invalid"
    title = t(
        "导入文件中有错误的数据行，未保存任何数据",
        "The import has invalid rows; nothing was stored",
    )


class BadHeader(ValidationFailed):
    code = "bad_header"
    title = t("表头没有列出所需的列", "The header row does not name the required columns")
