"""The vendored axe-core is the published file its README names, byte for byte."""

from tests.browser.axe import vendored


def test_vendored_axe_core_matches_its_declared_version_and_sha256():
    facts = vendored()
    assert facts["declared_version"].startswith("4.")
    assert facts["file_version"] == facts["declared_version"]
    assert facts["file_sha256"] == facts["declared_sha256"]
