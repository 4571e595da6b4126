from companion.domain import Account
from companion.services.account import with_identity

EMPTY = Account(id="u-1", name="", email="", entitlements=())


def test_the_platforms_profile_wins():
    account = EMPTY._replace(name="Camille Martin", email="c@example.org")
    assert with_identity(account, {"name": "Other", "email": "o@example.org"}) == account


def test_gaps_are_filled_from_the_providers_claims():
    filled = with_identity(EMPTY, {"given_name": "Léa", "family_name": "Dubois", "email": "l@x"})
    assert (filled.name, filled.email) == ("Léa Dubois", "l@x")
    assert with_identity(EMPTY, {"name": " Karim Benali "}).name == "Karim Benali"


def test_claims_of_the_wrong_type_are_ignored():
    assert with_identity(EMPTY, {"name": 3, "email": ["x"]}) == EMPTY
