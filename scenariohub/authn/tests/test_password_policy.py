"""Password policy: length >= 10, three kinds of characters, not common, not like the username; argon2."""

import pytest
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

import scenariohub.settings as project_settings
from scenariohub.accounts.tests.factories import TEST_PASSWORD, UserFactory
from scenariohub.authn.validators import character_classes
from scenariohub.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    ["Tianfu-Chengdu-2026", "Sichuan-AI-2025!", "jinjiang river 2026", "成都Tianfu2026", "BAMBOO-panda-77"],
)
def test_accepted(password):
    validate_password(password, UserFactory.build(username="zhangwei"))


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1!xyz", "password_too_short"),  # 7 characters
        ("abcdefghijkl", "password_too_simple"),  # one kind
        ("abcdefgh1234", "password_too_simple"),  # two kinds
        ("ABCDEFGH!!!!", "password_too_simple"),
        ("Password1!", "password_too_common"),  # three kinds, 10 long, but on the common list
        ("Zhangwei-2026", "password_too_similar"),  # like the username
        ("2026051820260518", "password_entirely_numeric"),
    ],
)
def test_rejected(password, code):
    with pytest.raises(ValidationError) as exc:
        validate_password(password, UserFactory.build(username="zhangwei2026"))
    assert code in {e.code for e in exc.value.error_list}


def test_character_classes():
    assert character_classes("aA1!") == {"lower", "upper", "digit", "other"}
    assert character_classes("成都") == {"other"}
    assert character_classes("１２") == {"digit"}  # full-width digits are digits


def test_the_change_form_explains_in_chinese(provider):
    response = client_for(provider).post(
        reverse("accounts:password-change"),
        {"old_password": TEST_PASSWORD, "new_password1": "chengdu-tianfu", "new_password2": "chengdu-tianfu"},
    )
    assert response.status_code == 200
    assert "密码须至少包含以下 3 类字符：小写字母、大写字母、数字、符号。" in response.content.decode()
    provider.user.refresh_from_db()
    assert provider.user.check_password(TEST_PASSWORD)


def test_the_change_form_lists_the_rules(provider):
    html = client_for(provider).get(reverse("accounts:password-change")).content.decode()
    assert "密码须至少包含以下字符中的 3 类" in html and "每 90 天须更换一次密码" in html


def test_argon2_is_the_hasher_and_older_hashes_are_upgraded_at_login(settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the conftest's fast hasher put aside
    assert make_password("Tianfu-Chengdu-2026").startswith("argon2$")
    user = UserFactory()
    user.password = make_password(TEST_PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    response = Client().post(
        reverse("accounts:login"), {"username": user.username, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
