from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache

from pydantic_settings import SettingsConfigDict

from reporting_service.validation.rules import OUTLIER_FACTOR, OUTLIER_YEARS
from shared_kit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REPORTING_", extra="ignore")

    projects_url: str = "http://127.0.0.1:8001"
    enterprise_url: str = "http://127.0.0.1:8002"
    talent_url: str = "http://127.0.0.1:8003"
    transfer_url: str = "http://127.0.0.1:8004"
    # Deadline of one call to a workstream service, retries included.
    call_deadline_seconds: float = 10.0
    call_retries: int = 1
    region_code: str = "450000"
    # The 落款 of the DOCX/PDF: issuing unit, and a fixed date (default: the report's date).
    issuer: str = "广西壮族自治区科学技术厅"
    issue_date: date | None = None
    # LibreOffice for the PDF: a path or a command name (default: soffice on the PATH).
    soffice: str | None = None
    pdf_timeout_seconds: float = 60.0
    # Outlier detection (validation): same period of how many earlier years, and how far.
    outlier_years: int = OUTLIER_YEARS
    outlier_factor: Decimal = OUTLIER_FACTOR

    def service_urls(self) -> dict[str, str]:
        return {
            "projects": self.projects_url,
            "enterprise": self.enterprise_url,
            "talent": self.talent_url,
            "transfer": self.transfer_url,
        }


@lru_cache
def get_settings() -> Settings:
    return Settings()
