from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from organiser.sso.roles import roles_from_claims
from tests.hypothesis_budget import examples

MAPPING = {
    "Seminar organisers": ["/it/seminar-organisers", "seminar-admins"],
    "Seminar viewers": ["/it/seminar-viewers"],
    "Check-in staff": ["door"],
}


def roles(claims: dict, claim_name: str = "groups") -> set[str]:
    return roles_from_claims(claims=claims, claim_name=claim_name, mapping=MAPPING)


def test_roles_from_claims_maps_each_listed_group():
    claims = {"groups": ["/it/seminar-viewers", "door", "/it/payroll"]}

    assert roles(claims) == {"Seminar viewers", "Check-in staff"}


def test_roles_from_claims_any_of_a_roles_values_gives_it():
    assert roles({"groups": ["seminar-admins"]}) == {"Seminar organisers"}


def test_roles_from_claims_reads_a_single_value_sent_as_a_string():
    # ADFS sends a one-value claim as a plain string.
    assert roles({"role": "door"}, claim_name="role") == {"Check-in staff"}


def test_roles_from_claims_matches_values_exactly():
    assert (
        roles({"groups": ["/IT/Seminar-Organisers", "/it/seminar-organisers/sub", "doo"]}) == set()
    )


def test_roles_from_claims_without_the_claim_is_no_role():
    assert roles({"sub": "someone", "roles": ["door"]}) == set()


def test_roles_from_claims_an_unmapped_role_gives_nothing():
    mapping = {**MAPPING, "Seminar viewers": []}

    assert (
        roles_from_claims(
            claims={"groups": ["/it/seminar-viewers"]}, claim_name="groups", mapping=mapping
        )
        == set()
    )


claim_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(), children),
    max_leaves=10,
)


@hypothesis_settings(max_examples=examples(400))
@given(value=claim_values | st.sampled_from(["door", ["door", 3, None], {"door": 1}]))
def test_roles_from_claims_whatever_the_provider_sends_gives_only_mapped_roles(value):
    found = roles({"groups": value})

    assert found <= set(MAPPING)
    if isinstance(value, list) and "door" in value:
        assert "Check-in staff" in found
