from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from talent_service.person.crypto import PiiCipher


def get_pii_cipher(request: Request) -> PiiCipher | None:
    cipher: PiiCipher | None = request.app.state.pii_cipher
    return cipher


PiiCipherDep = Annotated[PiiCipher | None, Depends(get_pii_cipher)]
