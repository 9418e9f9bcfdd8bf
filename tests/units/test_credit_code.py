from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from units.credit_code import make_credit_code, normalise_credit_code, validate_credit_code
from units.forms import EnterpriseForm

VALID = "91340000704920454F"


def test_it_accepts_a_real_code():
    validate_credit_code(VALID)


def test_it_names_the_right_check_digit_when_it_is_wrong():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(VALID[:-1] + "G")
    assert exc.value.code == "check_digit"
    assert "F" in exc.value.messages[0]


@pytest.mark.parametrize("code", [VALID[:-1], VALID + "1", ""])
def test_it_refuses_a_wrong_length(code):
    with pytest.raises(ValidationError) as exc:
        validate_credit_code(code)
    assert exc.value.code == "length"


def test_it_refuses_letters_that_never_occur():
    with pytest.raises(ValidationError) as exc:
        validate_credit_code("9134000070492045IO")
    assert exc.value.code == "alphabet"


def test_it_upper_cases_and_trims_what_people_paste():
    pasted = "\u3000 9134 0000 7049 2045 4f\t"
    assert normalise_credit_code(pasted) == VALID
    full_width = "９１３４００００７０４９２０４５４Ｆ"
    assert normalise_credit_code(full_width) == VALID


def test_it_completes_a_body_with_its_check_digit():
    assert make_credit_code(VALID[:17]) == VALID


@pytest.mark.django_db
def test_it_refuses_a_duplicate_in_the_form_with_a_clear_message(world):
    data = {
        "name": "新企业",
        "credit_code": world.enterprise_a.credit_code.lower(),
        "village": world.village_a.pk,
        "primary_sector": world.sector_a.pk,
        "standardisation_grade": "",
    }
    form = EnterpriseForm(data, township_id=world.township.pk)
    assert not form.is_valid()
    assert world.enterprise_a.name in form.errors["credit_code"][0]


@pytest.mark.django_db
def test_it_stores_the_normalised_code_and_allows_none(world):
    data = {
        "name": "新企业",
        "credit_code": " 9134 0000 7049 2045 4f ",
        "village": world.village_a.pk,
        "primary_sector": world.sector_a.pk,
        "standardisation_grade": "",
    }
    form = EnterpriseForm(data, township_id=world.township.pk)
    assert form.is_valid(), form.errors
    assert form.save().credit_code == VALID
    data.update(name="自建房一处", credit_code="")
    form = EnterpriseForm(data, township_id=world.township.pk)
    assert form.is_valid(), form.errors
    assert form.save().credit_code is None
