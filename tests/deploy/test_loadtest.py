"""The pieces of ``make loadtest`` and ``make resilience`` that decide what the results say."""

from django.core.mail import EmailMessage, get_connection
from django_otp.oath import TOTP

from bench.loadtest import report
from bench.loadtest.totp import totp_code
from bench.resilience import duplicates, mails


def test_the_load_client_computes_the_code_django_otp_expects():
    key = "3132333435363738393031323334353637383930"  # RFC 6238's SHA-1 test key
    for at in (59, 1_111_111_109, 1_795_000_000):
        totp = TOTP(bytes.fromhex(key), step=30, t0=0, digits=6)
        totp.time = at
        assert totp_code(key, at=at) == f"{totp.token():06d}"
    assert totp_code(key, at=59) == "287082"  # RFC 6238, appendix B, truncated to 6 digits


def test_percentiles_are_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert [report.percentile(values, f) for f in (0.5, 0.95, 0.99)] == [50.0, 95.0, 99.0]
    assert report.percentile([7.0], 0.99) == 7.0
    assert report.percentile([], 0.5) == 0.0


def test_a_level_counts_errors_by_status_and_requests_per_second():
    samples = [["public : accueil", 40.0, True, 200, 0], ["public : accueil", 60.0, True, 200, 0],
               ["coordination : un parcours", 900.0, False, 500, 0], ["financeur : rapports", 0.5, False, 0, 0]]
    level = report.summarise(10, samples, seconds=2.0)
    assert level.throughput == 2.0
    assert level.error_rate == 0.5 and level.statuses == {500: 1, 0: 1}
    assert (level.p50, level.p99) == (40.0, 900.0)
    assert "| 10 | 4 | 2.0 | 40 | 900 | 900 | 50.00% (0: 1, 500: 1) |" in report.levels_table([level], [])


def _level(users, throughput, p95):
    return report.Level(users=users, requests=int(throughput * 60), seconds=60, p50=p95 / 3, p95=p95, p99=p95,
                        errors=0, statuses={}, cpu={})


def test_saturation_is_where_throughput_stops_following_the_users():
    growing = [_level(10, 5, 100), _level(50, 24, 150), _level(100, 47, 200)]
    assert report.saturation(growing) == "pas de saturation du débit jusqu'à 100 utilisateurs (47.0 req/s, p95 200 ms)"
    flat = [_level(10, 5, 100), _level(50, 24, 150), _level(100, 26, 2500)]
    assert report.saturation(flat) == (
        "saturation entre 50 et 100 utilisateurs : le débit passe de 24.0 à 26.0 req/s (×2 d'utilisateurs) ; "
        "la latence décroche entre 50 et 100 utilisateurs (p95 de 150 à 2500 ms)"
    )


def test_latency_that_climbs_while_throughput_still_follows_is_told_apart():
    queueing = [_level(10, 5, 87), _level(50, 24, 673), _level(100, 37, 2650)]
    assert report.saturation(queueing) == (
        "pas de saturation du débit jusqu'à 100 utilisateurs (37.0 req/s, p95 2650 ms) ; "
        "la latence décroche entre 10 et 50 utilisateurs (p95 de 87 à 673 ms)"
    )


def test_sent_emails_are_counted_from_the_file_backend_and_doubles_found(tmp_path):
    connection = get_connection("django.core.mail.backends.filebased.EmailBackend", file_path=str(tmp_path))
    for to in ("a@exemple.fr", "b@exemple.fr", "a@exemple.fr"):
        EmailMessage("Parcours : récapitulatif du 23/11/2026", "…", "portail@exemple.fr", [to],
                     connection=connection).send()
    found = mails(tmp_path)
    assert sorted(found) == [("a@exemple.fr", "Parcours : récapitulatif du 23/11/2026")] * 2 + [
        ("b@exemple.fr", "Parcours : récapitulatif du 23/11/2026")]
    assert duplicates(found) == 1
