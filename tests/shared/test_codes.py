from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError

from shared_kit.codes import CityCode, CountyCode, Uscc, city_of, in_region, uscc_problem


class M(BaseModel):
    uscc: Uscc


class TestUscc:
    @pytest.mark.parametrize(
        "code", ["91350100M000100Y43", "91450200MAA7L76A5R", "914501005794165304"]
    )
    def test_valid_examples_from_domain_doc(self, code: str) -> None:
        assert uscc_problem(code) is None
        assert M(uscc=code.lower()).uscc == code

    def test_pilot_code_failing_check_digit(self) -> None:
        problem = uscc_problem("91350100M0001TGQXM")
        assert problem is not None
        assert "校验位应为 1" in problem
        assert "expected 1" in problem.en

    @pytest.mark.parametrize(
        "code",
        ["9145010057941653", "91450100579416530I", "9145AB005794165304", ""],
    )
    def test_malformed(self, code: str) -> None:
        with pytest.raises(ValidationError):
            M(uscc=code)


class TestRegions:
    def test_city_and_county(self) -> None:
        class R(BaseModel):
            city: CityCode
            county: CountyCode

        assert R(city="450100", county="450181").county == "450181"
        with pytest.raises(ValidationError):
            R(city="440100", county="450181")
        with pytest.raises(ValidationError):
            R(city="450100", county="440181")
        assert city_of("450181") == "450100"
        assert in_region("451402")
        assert not in_region("440300")
