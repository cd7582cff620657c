from __future__ import annotations

from fastapi import APIRouter

from enterprise_service.common import CONFLICT, NOT_FOUND, AdminOnly, Reader
from enterprise_service.partner import service
from enterprise_service.partner.models import PartnerBank
from enterprise_service.partner.schemas import PartnerBankCreate, PartnerBankEnd, PartnerBankRead
from shared_kit.db import SessionDep
from shared_kit.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/partner-banks", tags=["partner-banks"], responses=PROBLEM_RESPONSES)


@router.post("", status_code=201, response_model=PartnerBankRead, responses=CONFLICT)
async def create_partner_bank(
    session: SessionDep, principal: AdminOnly, body: PartnerBankCreate
) -> PartnerBank:
    """Record a strategic cooperation agreement with a bank. Roles: admin."""
    return await service.create_bank(session, data=body)


@router.get("", response_model=list[PartnerBankRead])
async def list_partner_banks(session: SessionDep, principal: Reader) -> list[PartnerBank]:
    """All partner banks (region-wide). Roles: admin, analyst, service, city_bureau."""
    return await service.list_banks(session)


@router.get("/{code}", response_model=PartnerBankRead, responses=NOT_FOUND)
async def get_partner_bank(session: SessionDep, principal: Reader, code: str) -> PartnerBank:
    """One partner bank. Roles: admin, analyst, service, city_bureau."""
    return await service.get_bank(session, code=code)


@router.post("/{code}/terminate", response_model=PartnerBankRead, responses=CONFLICT)
async def terminate_partner_bank(
    session: SessionDep, principal: AdminOnly, code: str, body: PartnerBankEnd
) -> PartnerBank:
    """End an agreement (the signing still counted). Roles: admin."""
    return await service.end_agreement(session, code=code, data=body, cancel=False)


@router.post("/{code}/cancel", response_model=PartnerBankRead, responses=CONFLICT)
async def cancel_partner_bank(
    session: SessionDep, principal: AdminOnly, code: str, body: PartnerBankEnd
) -> PartnerBank:
    """Cancel an agreement recorded in error: it never counts. Roles: admin."""
    return await service.end_agreement(session, code=code, data=body, cancel=True)
