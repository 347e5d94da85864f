import pytest

from faelles.accounts.models import User


@pytest.mark.django_db
def test_display_name_never_reveals_the_email_address():
    user = User.objects.create_user(email="bente.hansen@example.dk", password="x" * 12)
    assert "bente" not in user.display_name.lower()
    user.name = "Bente"
    assert user.display_name == "Bente"
