def test_dashboard_shows_trainer_panel(client_for, trainer_user):
    response = client_for(trainer_user).get("/")
    assert response.status_code == 200
    assert b"Your records" in response.content


def test_staff_without_mfa_is_sent_to_mfa_setup(client_for, db):
    from tests.factories import UserFactory

    response = client_for(UserFactory(is_staff=True)).get("/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/"
