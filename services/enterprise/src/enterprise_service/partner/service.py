from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from enterprise_service.common import already, not_before
from enterprise_service.partner.models import PartnerBank
from enterprise_service.partner.schemas import PartnerBankCreate, PartnerBankEnd
from shared_kit.errors import Conflict, Forbidden, NotFound
from shared_kit.i18n import t


class PartnerBankNotFound(NotFound):
    code = "partner_bank_not_found"
    title = t("未找到合作银行", "Partner bank not found")


class PartnerBankExists(Conflict):
    code = "partner_bank_exists"
    title = t("已有相同代码的合作银行", "A partner bank with this code exists")
    unique_constraints = ("uq_partner_banks_code",)


class PartnerBankEnded(Conflict):
    code = "already_ended"
    title = t("合作协议已终止或已撤销", "The agreement is already terminated or cancelled")


async def create_bank(session: AsyncSession, *, data: PartnerBankCreate) -> PartnerBank:
    if await session.scalar(select(PartnerBank.id).where(PartnerBank.code == data.code)):
        raise PartnerBankExists(t(f"银行 {data.code} 已存在", f"bank {data.code} exists"))
    bank = PartnerBank(**data.model_dump())
    session.add(bank)
    await session.flush()
    return bank


async def get_bank(session: AsyncSession, *, code: str) -> PartnerBank:
    bank = await session.scalar(select(PartnerBank).where(PartnerBank.code == code))
    if bank is None:
        raise PartnerBankNotFound(t(f"没有合作银行 {code}", f"no partner bank {code}"))
    return bank


async def end_agreement(
    session: AsyncSession, *, code: str, data: PartnerBankEnd, cancel: bool
) -> PartnerBank:
    """Terminate (it still counted when signed) or cancel (it never counts) an agreement."""
    bank = await get_bank(session, code=code)
    already(PartnerBankEnded, "cancelled", bank.cancelled_on)
    already(PartnerBankEnded, "terminated", bank.terminated_on)
    not_before(data.on, bank.agreement_signed_on, "on", "agreement_signed_on")
    if cancel:
        bank.cancelled_on = data.on
    else:
        bank.terminated_on = data.on
    await session.flush()
    await session.refresh(bank)
    return bank


async def list_banks(session: AsyncSession) -> list[PartnerBank]:
    stmt = select(PartnerBank).order_by(PartnerBank.agreement_signed_on, PartnerBank.code)
    return list((await session.scalars(stmt)).all())


class BankPartnerUnknown(Forbidden):
    code, title = (
        "bank_partner_unknown",
        t("该银行不在合作银行名录中", "The bank is not in the partner-bank registry"),
    )


class BankPartnerTerminated(Forbidden):
    code, title = (
        "bank_partner_terminated",
        t("该银行的合作协议已终止", "The bank's partner agreement is terminated"),
    )


class BankPartnerCancelled(Forbidden):
    code, title = (
        "bank_partner_cancelled",
        t("该银行的合作协议已撤销", "The bank's partner agreement is cancelled"),
    )


async def require_active(session: AsyncSession, *, code: str) -> None:
    """403 unless ``code`` is a partner bank whose agreement is in force (every bank call)."""
    bank = await session.scalar(select(PartnerBank).where(PartnerBank.code == code))
    if bank is None:
        raise BankPartnerUnknown(
            t(
                f"银行代码 {code} 不在合作银行名录中，不能使用银行接口",
                f"bank code {code} is not in the partner-bank registry and may not use the bank "
                "API",
            )
        )
    if bank.status == "terminated":
        raise BankPartnerTerminated(
            f"银行 {code} 的合作协议已于 {bank.terminated_on} 终止，不能再使用银行接口"
        )
    if bank.status == "cancelled":
        raise BankPartnerCancelled(
            t(
                f"银行 {code} 的合作协议已撤销，不能使用银行接口",
                f"the partner agreement of bank {code} is cancelled; it may not use the bank API",
            )
        )
