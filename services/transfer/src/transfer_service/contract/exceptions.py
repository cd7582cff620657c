from __future__ import annotations

from shared_kit.errors import Conflict, NotFound, ValidationFailed


class TechContractNotFound(NotFound):
    code = "tech_contract_not_found"
    title = "Technology contract not found"


class RegistrationNoTaken(Conflict):
    code = "registration_no_taken"
    title = "A contract with this registration number is already registered"


class ContractAlreadyRevoked(Conflict):
    code = "contract_already_revoked"
    title = "The contract is already revoked"


class TechAmountExceedsContract(ValidationFailed):
    code = "tech_amount_exceeds_contract"
    title = "The technology transaction amount exceeds the contract amount"


class RegisteredBeforeSigned(ValidationFailed):
    code = "registered_before_signed"
    title = "A contract cannot be registered before it is signed"
