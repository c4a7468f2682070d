"""The portfolio PDF fills its pages: long reflections run on instead of leaving gaps."""

import datetime as dt
import io

from pypdf import PdfReader

from qualifications.portfolio import build_portfolio, render_portfolio_pdf
from tests import factories

# About a page of text in each part: a reflection too long to sit whole after the list.
LONG = {
    "what_i_did": "I led a seated balance class and adapted it for fatigue. " * 20,
    "what_i_learnt": "Pacing and rest breaks matter more than the exercise chosen. " * 20,
    "how_it_benefits": "Clients finish sessions without crashing the next day. " * 20,
}


def test_long_reflections_leave_no_near_empty_page_before_them(trainer_user):
    profile = trainer_user.trainer_profile
    chosen = [
        factories.CPDActivityFactory(
            trainer=profile, date=dt.date(2026, 5, 1) + dt.timedelta(days=i), **LONG
        )
        for i in range(6)
    ]
    portfolio = build_portfolio(
        profile=profile,
        start=dt.date(2026, 4, 1),
        end=dt.date(2026, 11, 30),
        reflection_ids={a.public_id for a in chosen},
        today=dt.date(2026, 12, 1),
    )

    rendered = render_portfolio_pdf(portfolio)

    pages = PdfReader(io.BytesIO(rendered.content)).pages
    for number, page in enumerate(pages[:-1], start=1):
        assert len(page.extract_text()) > 800, f"page {number} of {len(pages)} is nearly empty"
