import copy

import pytest

from companion.domain import ContractError, parse_catalog, parse_manifest


def test_sample_manifests_parse(sample_content):
    for course in sample_content.courses.values():
        manifest = parse_manifest(course.manifest)
        assert manifest.id == course.catalog_entry["id"]
        assert manifest.assets()


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda m: m.pop("parts"), "manifest.parts"),
        (lambda m: m["parts"][0]["chapters"][0].update(title=7), "chapters[0].title"),
        (lambda m: m["parts"][0]["chapters"][0]["blocks"][0].update(type="applet"), "type"),
        (
            lambda m: m["parts"][0]["chapters"][0]["blocks"][0]["asset"].update(sha256="../etc"),
            "sha256",
        ),
        (lambda m: m["parts"][0]["chapters"][0]["blocks"][0]["asset"].update(size=-1), "size"),
        (
            lambda m: m["parts"][0]["chapters"][-1]["blocks"][0]["quiz"]["questions"][0].update(
                correct=["z"]
            ),
            "correct",
        ),
    ],
)
def test_malformed_manifests_name_the_bad_field(sample_content, mutate, where):
    manifest = copy.deepcopy(next(iter(sample_content.courses.values())).manifest)
    mutate(manifest)
    with pytest.raises(ContractError, match=where.replace("[", r"\[").replace("]", r"\]")):
        parse_manifest(manifest)


@pytest.mark.parametrize(
    "answer",
    [
        None,
        [],
        {"courses": "all"},
        {"courses": [{"id": 1}]},
        {"courses": [{"id": "x", "premium": "yes"}]},
    ],
)
def test_malformed_catalogues_are_rejected(answer):
    with pytest.raises(ContractError):
        parse_catalog(answer)
