"""An admin imports mahalla boundaries (GeoJSON) and the address register (CSV) on a page — the same
import as the command line — and sees what was imported; a generic Open311 client's location then
reaches that mahalla. Bad files get a message in the admin's language and change nothing."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from werkzeug.test import EnvironBuilder, TestResponse

from tests.conftest import World, csrf_token
from tests.webapp.cases import parse
from webapp.casework.appeals.models import Appeal
from webapp.extensions import db
from webapp.intake.open311 import service as open311
from webapp.platform.audit.models import AuditEntry
from webapp.platform.auth.models import User
from webapp.platform.territory import area_import

AsUser = Callable[[User], FlaskClient]
PAGE = "/admin/territories/areas"
SQUARE = [[69.20, 41.28], [69.28, 41.28], [69.28, 41.32], [69.20, 41.32], [69.20, 41.28]]


def geojson(code: str, geometry: Any = None) -> bytes:
    geometry = geometry or {"type": "Polygon", "coordinates": [SQUARE]}
    feature = {"type": "Feature", "properties": {"code": code}, "geometry": geometry}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def post_files(client: FlaskClient, url: str, data: dict[str, Any]) -> TestResponse:
    """POST multipart data, closing the request body afterwards (the test client leaves the temporary
    file it spools a large body to open)."""
    builder = EnvironBuilder(path=url, method="POST", data=data, content_type="multipart/form-data")
    environ = builder.get_environ()
    builder.close()
    try:
        return client.open(environ)
    finally:
        environ["wsgi.input"].close()


def upload(client: FlaskClient, kind: str, content: bytes | None, filename: str = "file") -> tuple[int, str]:
    token = csrf_token(client.get(PAGE).get_data(as_text=True))
    data: dict[str, Any] = {f"{kind}-csrf_token": token}
    if content is not None:
        data[f"{kind}-file"] = (io.BytesIO(content), filename)
    response = post_files(client, f"{PAGE}/{kind}", data)
    return response.status_code, response.get_data(as_text=True)


def errors(html: str) -> list[str]:
    return [" ".join(e.text.split()) for e in parse(html) if "area-error" in e.classes]


def summary_rows(html: str) -> list[list[str]]:
    rows = [e for e in parse(html) if e.tag == "tr" and any(c.tag == "td" for c in e.inner)]
    return [[" ".join(c.text.split()) for c in row.inner if c.tag == "td"] for row in rows]


@pytest.fixture
def client_key(world: World) -> str:
    return open311.create_client("city-portal")


def open311_mahalla(client: FlaskClient, key: str, **location: str) -> int | None:
    fields = {"api_key": key, "service_code": "public_safety", "description": "Ko'chada chiroqlar yonmayapti."}
    response = client.post("/open311/v2/requests.json", data={**fields, **location})
    assert response.status_code == 200, response.get_data(as_text=True)
    number = response.get_json()[0].get("service_request_id")
    if number is None:
        return None  # waits for triage
    return db.session.scalar(select(Appeal.mahalla_id).where(Appeal.number == number))


def loaded() -> area_import.Loaded:
    db.session.expire_all()
    return area_import.loaded()


def test_boundaries_uploaded_place_a_lat_long_request_in_that_mahalla(
    as_user: AsUser, client: FlaskClient, world: World, client_key: str
) -> None:
    admin = as_user(world.admin)
    assert open311_mahalla(client, client_key, lat="41.30", long="69.24") is None  # nothing loaded: triage
    status, html = upload(admin, "boundaries", geojson(world.second_mahalla.code), "qatortol.geojson")
    assert status == 200, errors(html)
    assert 'id="summary"' in html and "qatortol.geojson" in html
    assert summary_rows(html) == [["M2", "Qatortol MFY", "Chilonzor tumani", "1"]]
    assert loaded() == area_import.Loaded(boundary_mahallas=1, polygons=1, address_mahallas=0, addresses=0)
    assert open311_mahalla(client, client_key, lat="41.30", long="69.24") == world.second_mahalla.id
    [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mahalla_boundaries_imported"))
    assert entry.actor_id == world.admin.id and entry.after == {"count": 1, "mahallas": ["M2"]}
    # a second file for the same mahalla replaces its boundary: the point now lies outside
    moved = [[69.0, 40.0], [69.1, 40.0], [69.1, 40.1], [69.0, 40.0]]
    status, _html = upload(admin, "boundaries", geojson("M2", {"type": "MultiPolygon", "coordinates": [[moved]]}))
    assert status == 200
    assert loaded().polygons == 1
    assert open311_mahalla(client, client_key, lat="41.30", long="69.25") is None


def test_an_address_register_uploaded_places_an_address_request(
    as_user: AsUser, client: FlaskClient, world: World, client_key: str
) -> None:
    admin = as_user(world.admin)
    csv = f'\ufeffaddress,mahalla\n"Navroʻz koʻchasi 7",{world.mahalla.code}\nBunyodkor 1,{world.second_mahalla.code}\n'
    status, html = upload(admin, "addresses", csv.encode(), "register.csv")  # as Excel saves it: with a BOM
    assert status == 200, errors(html)
    assert sorted(summary_rows(html)) == [
        ["M1", "Bunyodkor MFY", "Chilonzor tumani", "1"],
        ["M2", "Qatortol MFY", "Chilonzor tumani", "1"],
    ]
    assert open311_mahalla(client, client_key, address_string="navro'z ko'chasi 7, 3-xonadon") == world.mahalla.id
    # the same file again adds nothing; an address given another mahalla moves there
    status, html = upload(admin, "addresses", csv.encode())
    assert status == 200 and summary_rows(html) == [] and loaded().addresses == 2
    status, html = upload(
        admin, "addresses", f"address,mahalla\nNavroʻz koʻchasi 7,{world.foreign_mahalla.code}\n".encode()
    )
    assert summary_rows(html) == [["M3", world.foreign_mahalla.name, world.foreign_mahalla.district.name, "1"]]
    assert loaded().addresses == 2
    assert open311_mahalla(client, client_key, address_string="Navroʻz koʻchasi 7") == world.foreign_mahalla.id


POINT = {"type": "Point", "coordinates": [69.24, 41.30]}
BAD_FILES = [
    ("boundaries", b"address,mahalla\nx,M1\n", "This is not a GeoJSON file"),
    ("boundaries", b'{"type": "Feature", "geometry": null}', "not a GeoJSON FeatureCollection"),
    ("boundaries", b'{"type": "FeatureCollection", "features": []}', "no features"),
    ("boundaries", geojson("M1", POINT), "Feature 1: the geometry is Point"),
    ("boundaries", geojson("NOPE"), "Feature 1: unknown mahalla code \u201cNOPE\u201d"),
    ("boundaries", geojson("M1", {"type": "Polygon", "coordinates": [[["a", "b"]] * 4]}), "Feature 1: the coordinates"),
    ("boundaries", geojson("M1", {"type": "Polygon", "coordinates": [SQUARE[:3]]}), "at least 4 points"),
    ("boundaries", geojson("M1", {"type": "Polygon", "coordinates": [[[200, 95]] * 4]}), "Feature 1: the coordinates"),
    ("boundaries", "Ўзбекистон".encode("cp1251"), "UTF-8"),
    ("boundaries", b" " * (area_import.MAX_FILE_BYTES + 1), "larger than 10 MB"),
    ("addresses", b"street,code\nx,M1\n", "needs the columns"),
    (
        "addresses",
        b"address,mahalla\nNavro'z 7,M1\nBunyodkor 1,NOPE\n",
        "Line 3: unknown mahalla code \u201cNOPE\u201d",
    ),
    ("addresses", b"address,mahalla\n", "no addresses"),
    ("addresses", None, "Choose a file."),
]


@pytest.mark.parametrize(("kind", "content", "message"), BAD_FILES)
def test_a_bad_file_gets_a_message_and_changes_nothing(
    as_user: AsUser, world: World, kind: str, content: bytes | None, message: str
) -> None:
    world.admin.language = "en"
    db.session.commit()
    admin = as_user(world.admin)
    upload(admin, "boundaries", geojson("M2"))  # something loaded before, which must stay
    before = loaded()
    status, html = upload(admin, kind, content, "bad.file")
    assert status == 422
    [error] = errors(html)
    assert message in error
    assert loaded() == before
    [invalid] = [e for e in parse(html) if "is-invalid" in e.classes]
    assert invalid.get("name") == f"{kind}-file" and invalid.get("aria-describedby") == f"{kind}-error"


@pytest.mark.parametrize(
    ("language", "title", "message"),
    [
        ("uz", "Mahalla chegaralari va manzillar", "1-obyekt: mahalla kodi noma\u02bclum \u201cNOPE\u201d"),
        ("ru", "Границы махаллей и адреса", "Объект 1: неизвестный код махалли «NOPE»"),
        ("en", "Mahalla boundaries and addresses", "Feature 1: unknown mahalla code \u201cNOPE\u201d"),
    ],
)
def test_the_page_and_its_messages_speak_the_admins_language(
    as_user: AsUser, world: World, language: str, title: str, message: str
) -> None:
    world.admin.language = language
    db.session.commit()
    admin = as_user(world.admin)
    assert title in admin.get(PAGE).get_data(as_text=True)
    status, html = upload(admin, "boundaries", geojson("NOPE"))
    assert status == 422
    assert any(message in error for error in errors(html)), errors(html)


def test_a_request_over_the_servers_limit_is_told_on_the_page(as_user: AsUser, app: Flask, world: World) -> None:
    world.admin.language = "en"
    db.session.commit()
    admin = as_user(world.admin)
    token = csrf_token(admin.get(PAGE).get_data(as_text=True))
    app.config["MAX_CONTENT_LENGTH"] = 2048
    try:
        big = {"boundaries-csrf_token": token, "boundaries-file": (io.BytesIO(b" " * 4096), "big.geojson")}
        response = post_files(admin, f"{PAGE}/boundaries", big)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = 26 * 1024 * 1024
    assert response.status_code == 413
    assert any("larger than 10 MB" in e for e in errors(response.get_data(as_text=True)))


def test_without_the_csrf_token_nothing_is_imported(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    data = {"boundaries-file": (io.BytesIO(geojson("M1")), "m1.geojson")}
    assert post_files(admin, f"{PAGE}/boundaries", data).status_code == 400
    assert loaded().polygons == 0


def test_only_admins_import(as_user: AsUser, client: FlaskClient, world: World) -> None:
    for user in (world.supervisor, world.inspector, world.methodologist, world.region_supervisor):
        other = as_user(user)
        refused = other.get(PAGE)
        assert refused.status_code == 403
        data = {
            "csrf_token": csrf_token(refused.get_data(as_text=True)),
            "boundaries-file": (io.BytesIO(geojson("M1")), "x"),
        }
        assert post_files(other, f"{PAGE}/boundaries", data).status_code == 403
    assert client.get(PAGE).status_code == 302  # to the sign-in
    assert loaded().polygons == 0
    assert as_user(world.admin).get(f"{PAGE}/shapes").status_code == 405


def test_the_admin_menu_and_the_territories_page_link_to_it(as_user: AsUser, world: World) -> None:
    admin = as_user(world.admin)
    for page in ("/admin/territories", PAGE):
        links = [e.get("href") for e in parse(admin.get(page).get_data(as_text=True)) if e.tag == "a"]
        assert links.count(PAGE) >= (2 if page == "/admin/territories" else 1)


def test_the_command_line_uses_the_same_import(app: Flask, world: World, tmp_path: Any) -> None:
    runner: FlaskCliRunner = app.test_cli_runner()
    good = tmp_path / "m1.geojson"
    good.write_bytes(geojson("M1"))
    result = runner.invoke(args=["import-mahalla-boundaries", str(good)])
    assert result.exit_code == 0, result.output
    assert "1 polygons loaded for 1 mahallas" in result.output
    bad = tmp_path / "bad.geojson"
    bad.write_bytes(geojson("NOPE"))
    result = runner.invoke(args=["import-mahalla-boundaries", str(bad)])
    assert result.exit_code != 0
    assert "Feature 1: unknown mahalla code \u201cNOPE\u201d" in result.output
