from rehabpath.celery import app


def test_a_worker_knows_the_certificates_tasks():
    app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    assert "programme.certificates.tasks.certificate_render" in app.tasks
    assert "programme.certificates.tasks.certificate_render_pending" in app.tasks
