"""Keyboard and small-screen details: error summary links, wide tables, disclosures.

- Following an error summary's link puts focus on the field with its label (or the legend of
  its group) in view, not scrolled off the top of the window.
- A group of radio buttons or checkboxes is linked through its first choice.
- At 375 px the progress page's figures table fits its box, total column included; a box
  that still has to scroll sideways (the import's example file) can be focused and scrolled
  from the keyboard, and is named.
- "Show the figures as a table" shows whether it is open.
"""

import io
import re

import pytest
from django.core.management import call_command

from tests.browser.helpers import force_login, with_totp

IN_VIEW = """(id) => {
  const field = document.getElementById(id);
  const box = field.closest('.field');
  const group = box.querySelector('fieldset');
  const label = group
    ? group.querySelector('legend') : document.querySelector(`label[for="${id}"]`);
  const l = label.getBoundingClientRect(), f = field.getBoundingClientRect();
  return {labelTop: l.top, fieldBottom: f.bottom, height: innerHeight, label: label.textContent};
}"""


@pytest.fixture
def demo(transactional_db):
    from rehabpath.models import User

    call_command("seed_demo", force=True, stdout=io.StringIO())
    return {
        "trainer": User.objects.get(email="trainer@example.com"),
        "staff": with_totp(User.objects.get(email="staff@example.com")),
    }


def follow_every_error_link(page) -> list[str]:
    """Press Enter on each link of the error summary, from the top of the page; return the
    ids reached, after checking that each field and its label are both in the window."""
    links = page.locator(".error-summary a")
    reached = []
    for index in range(links.count()):
        page.evaluate("window.scrollTo(0, 0)")
        link = links.nth(index)
        target = link.get_attribute("href").removeprefix("#")
        link.focus()
        page.keyboard.press("Enter")
        active = page.evaluate("document.activeElement.id")
        assert active == target, f"{link.inner_text()} took focus to #{active}"
        assert page.evaluate("document.activeElement.matches(':focus-visible')")
        view = page.evaluate(IN_VIEW, target)
        assert 0 <= view["labelTop"], f"the label “{view['label']}” is above the window"
        assert view["fieldBottom"] <= view["height"], f"#{target} is below the window"
        reached.append(target)
    return reached


def test_error_links_bring_each_field_into_view_with_its_label(page, demo):
    force_login(page, demo["trainer"])
    page.goto("/qualifications/cpd/add/")
    with page.expect_navigation():  # wait for the next page, not this one
        page.get_by_role("button", name="Save activity").click()

    reached = follow_every_error_link(page)
    assert "id_what_i_learnt" in reached and "id_title" in reached
    assert page.console_errors == []


def test_a_radio_group_in_error_is_linked_through_its_first_choice(page, demo):
    from qualifications.models import TrainerQualification

    force_login(page, demo["staff"])
    pending = TrainerQualification.objects.get(status="pending")
    page.goto(f"/trainers/verification/qualification/{pending.public_id}/")
    with page.expect_navigation():
        page.get_by_role("region", name="Verify").get_by_role("button", name="Verify").click()

    link = page.get_by_role("alert").get_by_role("link", name=re.compile("How did you verify"))
    assert link.get_attribute("href") == "#id_verify-method_0"
    assert follow_every_error_link(page) == ["id_verify-method_0"]
    assert page.evaluate("document.activeElement.type") == "radio"
    assert page.console_errors == []


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_progress_figures_fit_a_phone_and_the_disclosure_shows_its_state(page, demo):
    force_login(page, demo["trainer"])
    page.emulate_media(reduced_motion="reduce")  # no turning chevron to wait for
    page.goto("/qualifications/cpd/progress/")
    summary = page.get_by_text("Show the figures as a table")
    chevron = "getComputedStyle(document.querySelector('.chart-data > summary'), '::before')"
    closed = page.evaluate(f"{chevron}.transform")
    summary.click()
    opened = page.evaluate(f"{chevron}.transform")
    assert closed != "none" and opened != "none" and closed != opened

    table = page.get_by_role("table", name=re.compile("Hours of CPD per month"))
    assert table.is_visible()
    fits = page.evaluate(
        """() => { const wrap = document.querySelector('.chart-data .table-wrap');
              const total = [...wrap.querySelectorAll('thead th')].pop().getBoundingClientRect();
              return wrap.scrollWidth <= wrap.clientWidth
                && total.right <= wrap.getBoundingClientRect().right; }"""
    )
    assert fits, "the figures table is wider than its box at 375 px"
    # It fits, so it is no Tab stop of its own.
    assert page.locator(".chart-data .table-wrap").get_attribute("tabindex") is None


def test_the_import_example_file_scrolls_from_the_keyboard_when_it_is_too_wide(page, demo):
    force_login(page, demo["staff"])
    page.goto("/staff/import/")
    example = page.locator("pre.csv-example")
    too_wide = page.evaluate("(e) => e.scrollWidth > e.clientWidth", example.element_handle())
    if page.viewport_name == "phone":
        assert too_wide  # the case this test is for
    if not too_wide:
        assert example.get_attribute("tabindex") is None
        return
    region = page.get_by_role("region", name="Example CSV file")
    assert region.get_attribute("tabindex") == "0"
    for _ in range(80):  # Tab reaches it, as it reaches a link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('pre.csv-example')"):
            break
    else:
        pytest.fail("Tab never reaches the example file")
    assert page.evaluate("document.activeElement.matches(':focus-visible')")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")
    assert page.console_errors == []
