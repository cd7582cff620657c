"""The partner-bank registry, asked before a bank signing key is registered.

The enterprise service owns the registry (``/v1/partner-banks``) and decides
which agreements are in force (its ``status``); it also refuses every bank call
from a bank that is not an active partner, so a key registered earlier stops
working when the agreement ends. Asking here lets the operator hear about a
wrong or ended bank code when registering, not from the bank's first refusal.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import aiohttp

from gateway.config import Settings
from shared_kit.auth import Principal, PrincipalSigner, Role


class PartnerRefused(ValueError):
    """The code is not an active partner bank; ``code`` is the enterprise service's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


class RegistryUnavailable(ValueError):
    pass


class PartnerRegistry:
    """Reads the enterprise service's registry as the gateway's own ``service`` principal."""

    def __init__(self, settings: Settings, *, timeout_seconds: float = 5.0) -> None:
        self.base = settings.upstream_enterprise.rstrip("/")
        signer = PrincipalSigner(
            settings.private_key_pem(),
            issuer=settings.principal_issuer,
            audience=settings.principal_audience,
            ttl_seconds=60,
        )
        self._headers = {"X-Principal": signer.sign(Principal("gateway-cli", Role.service))}
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def _get(self, path: str) -> tuple[int, Any]:
        url = f"{self.base}/v1/partner-banks{path}"
        try:
            async with (
                aiohttp.ClientSession(timeout=self._timeout) as http,
                http.get(url, headers=self._headers) as resp,
            ):
                body = await resp.json(content_type=None)
                return resp.status, body
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise RegistryUnavailable(
                f"无法查询合作银行名录：企业服务 {self.base} 不可达或答复无效（{exc!r}）；"
                "请先启动平台（make run）或设置 GATEWAY_UPSTREAM_ENTERPRISE"
            ) from exc

    async def active_codes(self) -> list[str]:
        status, body = await self._get("")
        if status != 200 or not isinstance(body, list):
            raise RegistryUnavailable(f"合作银行名录查询失败：HTTP {status}")
        return sorted(b["code"] for b in body if isinstance(b, dict) and b["status"] == "active")

    async def require_active(self, code: str) -> None:
        """Return when ``code`` is an active partner, else :class:`PartnerRefused`."""
        status, body = await self._get("/" + quote(code, safe=""))
        if status == 200 and isinstance(body, dict) and body.get("status") == "active":
            return
        if status == 200 and isinstance(body, dict):
            ended = body.get("status")
            raise PartnerRefused(
                f"bank_partner_{ended}",
                f"银行 {code} 的合作协议已{'终止' if ended == 'terminated' else '撤销'}，"
                "不能登记签名密钥",
            )
        if status != 404:
            raise RegistryUnavailable(f"合作银行名录查询失败：HTTP {status}")
        raise PartnerRefused(
            "bank_partner_unknown", f"银行代码 {code} 不在合作银行名录中。{await self.hint()}"
        )

    async def hint(self) -> str:
        """The valid codes, for an operator who gave none or a wrong one."""
        active = await self.active_codes()
        if active:
            return "可用的合作银行代码：" + "、".join(active)
        return "名录中尚无有效的合作银行：请管理员先登记（POST /api/enterprise/v1/partner-banks）"
