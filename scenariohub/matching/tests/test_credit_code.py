"""The unified social credit code (GB 32100-2015): the validator, and the profile form that edits it."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from scenariohub.accounts.models import CREDIT_CODE_CHARS, credit_code_check_char, validate_credit_code
from scenariohub.conftest import as_actor, client_for
from scenariohub.core.errors import ValidationFailed
from scenariohub.core.models import AuditLog
from scenariohub.matching import services
from scenariohub.matching.models import SupplierProfile

pytestmark = pytest.mark.django_db

# Published examples whose check character is right, plus codes built with the algorithm's own check char.
VALID = [
    "91350100M000100Y43",
    "91110000600037341L",
    "91440300708461136T",
    "91510100MA61R1XX5" + credit_code_check_char("91510100MA61R1XX5"),
    "12510000450717612" + credit_code_check_char("12510000450717612"),
    "Y1510100MA00000AB" + credit_code_check_char("Y1510100MA00000AB"),
]


def _wrong_check(code: str) -> str:
    alternatives = [c for c in CREDIT_CODE_CHARS if c != code[17]]
    return code[:17] + alternatives[0]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    validate_credit_code(code)


@pytest.mark.parametrize(
    "code",
    ["", "91350100M000100Y4", "91350100M000100Y433", "9135", "91350100M000100Y43 "],
    ids=["empty", "17-chars", "19-chars", "4-chars", "trailing-space"],
)
def test_wrong_length_is_refused(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "credit_code_format"


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z"])
def test_letters_outside_the_gb32100_alphabet_are_refused(letter):
    base = "91350100M000100Y43"
    # In the body (position 9) and as the check character: neither may hold I, O, S, V or Z.
    for code in (base[:9] + letter + base[10:], base[:17] + letter):
        with pytest.raises(ValidationError) as exc:
            validate_credit_code(code)
        assert exc.value.code == "credit_code_format"


@pytest.mark.parametrize(
    "code",
    ["91350100m000100y43", "91350100M000100Y4-", "９１350100M000100Y43", "91350100M000100Y4Ⅲ"],
    ids=["lower-case", "punctuation", "full-width-region", "roman-numeral"],
)
def test_other_characters_are_refused(code):
    with pytest.raises(ValidationError):
        validate_credit_code(code)


FULL_WIDTH_IN_DIGIT_PART = "9135010０M000100Y43"  # a full-width ０ that a `\d` pattern would accept


def test_non_ascii_digits_are_refused():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(FULL_WIDTH_IN_DIGIT_PART)
    assert exc.value.code == "credit_code_format"


def test_region_part_must_be_digits():
    with pytest.raises(ValidationError):
        validate_credit_code("91A50100M000100Y43")


@pytest.mark.parametrize("code", VALID)
def test_wrong_check_character_is_refused(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(_wrong_check(code))
    assert exc.value.code == "credit_code_check"


def test_every_single_character_change_is_caught_by_the_check():
    code = "91350100M000100Y43"
    for i in range(8, 17):  # the organisation code part, where any alphabet character is allowed
        for ch in CREDIT_CODE_CHARS:
            if ch == code[i]:
                continue
            with pytest.raises(ValidationError):
                validate_credit_code(code[:i] + ch + code[i + 1:])


# ---------------------------------------------------------------------------------------------- profile


PROFILE = {
    "contact_name": "李明", "contact_phone": "028-12345678", "contact_email": "bd@example.cn", "scale": "small",
    "introduction": "工业视觉。", "sectors": ["manufacturing"], "fields": ["machine-vision"],
}


def test_profile_form_stores_the_code_on_the_organisation_upper_cased(supplier):
    response = client_for(supplier).post(reverse("matching:profile-edit"),
                                         {**PROFILE, "credit_code": "91350100m000100y43"})
    assert response.status_code == 302
    supplier.organisation.refresh_from_db()
    assert supplier.organisation.credit_code == "91350100M000100Y43"
    profile = SupplierProfile.objects.get(organisation=supplier.organisation)
    assert [f.pk for f in profile.fields.all()] == ["machine-vision"]
    assert AuditLog.objects.filter(action="supplier.profile_create", object_id=str(profile.pk)).exists()


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000I00Y43", "91350100M000100Y44", "9135010０M000100Y43"])
def test_profile_form_refuses_invalid_codes(supplier, code):
    response = client_for(supplier).post(reverse("matching:profile-edit"), {**PROFILE, "credit_code": code})
    assert response.status_code == 200
    assert response.context["form"].errors["credit_code"]
    supplier.organisation.refresh_from_db()
    assert supplier.organisation.credit_code is None
    assert not SupplierProfile.objects.exists()


def test_service_refuses_a_code_another_organisation_holds(supplier, supplier2):
    supplier2.organisation.credit_code = "91350100M000100Y43"
    supplier2.organisation.save()
    with pytest.raises(ValidationFailed) as exc:
        services.supplier_profile_save(actor=as_actor(supplier), data={**PROFILE, "credit_code": "91350100M000100Y43"})
    assert "credit_code" in exc.value.details


def test_changing_the_code_withdraws_the_verification(supplier, office):
    services.supplier_profile_save(actor=as_actor(supplier), data={**PROFILE, "credit_code": VALID[0]})
    services.supplier_verify(actor=as_actor(office), organisation_id=supplier.organisation_id)
    profile = services.supplier_profile_save(actor=as_actor(supplier), data={**PROFILE, "credit_code": VALID[1]})
    assert profile.verified is False and profile.verified_at is None
    assert AuditLog.objects.filter(action="supplier.profile_update", data__verification_withdrawn=True).exists()
