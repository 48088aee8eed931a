"""Rosters in and out of Excel."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from grid.models import Household, PersonalDataAccess, Resident
from grid.people import roster

from ..factories import fictional_id_number

HEADER = [str(label) for _key, label, _required in roster.COLUMNS]


def _row(building, **values):
    room = values.get("room", "801")
    number = values.pop("id_number", None) or fictional_id_number(5000 + int(room or 0))
    cells = {
        "building_code": building.code,
        "unit": 1,
        "room": "801",
        "household_kind": "自住",
        "tags": "独居老人",
        "name": "张三",
        "gender": "",
        "id_number": number,
        "phone": "13912345678",
        "relation": "户主",
        "residence_status": "",
        "political_status": "群众",
        "occupation": "",
        "notes": "",
    }
    cells.update(values)
    return [cells[key] for key, _label, _required in roster.COLUMNS]


def _xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def _upload(client, rows, **kwargs):
    return client.post("/net/roster/import/", {"file": _xlsx(rows, **kwargs)})


def test_template_downloads_with_header_and_a_valid_sample(world, client):
    client.force_login(world.users["community_worker"])
    response = client.get("/net/roster/template.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == HEADER
    sample = [c.value for c in sheet[2]]
    from grid.pii import is_valid_id_number

    assert is_valid_id_number(sample[7])
    assert len(workbook.worksheets) == 2


def test_a_good_file_imports_and_importing_it_again_changes_nothing(world, client):
    client.force_login(world.users["community_worker"])
    building = world.buildings[1]
    rows = [
        _row(building, room="801"),
        _row(
            building,
            room="801",
            name="李四",
            relation="配偶",
            id_number=fictional_id_number(7001),
            tags="",
        ),
        _row(building, room="802", name="王五", tags="低保户, 重点关注"),
    ]
    response = _upload(client, rows)
    assert response.status_code == 200, response.content.decode()[:2000]
    report = response.context["report"]
    assert (report.households_created, report.residents_created) == (2, 3)
    household = Household.objects.get(building=building, room="801")
    assert household.head.name == "张三"
    assert household.grid_id == building.grid_id and household.street_id == building.street_id
    assert set(Household.objects.get(room="802").tags.values_list("code", flat=True)) == {
        "low_income",
        "key_care",
    }
    zhang = Resident.objects.get(name="张三")
    assert zhang.building_id == building.pk and zhang.id_last4 == zhang.id_number[-4:]
    assert (
        zhang.birth_date.isoformat()
        == f"{zhang.id_number[6:10]}-{zhang.id_number[10:12]}-{zhang.id_number[12:14]}"
    )
    before = (
        Household.objects.count(),
        Resident.objects.count(),
        list(Resident.objects.values().order_by("pk")),
    )
    response = _upload(client, rows)
    report = response.context["report"]
    assert report.ok and (
        report.households_created,
        report.residents_created,
        report.residents_updated,
    ) == (0, 0, 0)
    assert report.residents_unchanged == 3
    after = (
        Household.objects.count(),
        Resident.objects.count(),
        list(Resident.objects.values().order_by("pk")),
    )
    assert after[:2] == before[:2]
    for old, new in zip(before[2], after[2], strict=True):
        old.pop("updated_at"), new.pop("updated_at")
        assert old == new


@pytest.mark.parametrize(
    "change, column",
    [
        ({"id_number": "330281199001011234"}, "ID number"),
        ({"building_code": "330281999999999999"}, "Building code"),
        ({"phone": "1234"}, "Phone"),
        ({"unit": 7}, "Unit"),
        ({"room": ""}, "Room"),
        ({"name": ""}, "Name"),
        ({"political_status": "外星人"}, "Political status"),
        ({"tags": "不存在的标签"}, "Household tags"),
        ({"gender": "男"}, "Gender"),
    ],
)
def test_each_kind_of_bad_cell_is_reported_and_nothing_is_imported(
    world, client, change, column, settings
):
    settings.LANGUAGE_CODE = "en"
    client.cookies["django_language"] = "en"
    client.force_login(world.users["community_worker"])
    building = world.buildings[1]
    # The female sample: an even 17th digit; "男" (male) contradicts it.
    good = _row(building, room="801", id_number=fictional_id_number(7002))
    bad = _row(building, **{"room": "802", "id_number": fictional_id_number(7004), **change})
    before = (Household.objects.count(), Resident.objects.count())
    response = _upload(client, [good, bad])
    assert response.status_code == 400
    errors = response.context["report"].errors
    assert errors, change
    assert {(e.row, e.column) for e in errors} == {(3, column)}, [
        (e.row, e.column, e.message) for e in errors
    ]
    assert (Household.objects.count(), Resident.objects.count()) == before
    html = response.content.decode()
    assert "nothing was imported" in html


def test_duplicate_ids_in_the_file_and_in_another_household(world, client):
    client.force_login(world.users["community_worker"])
    building = world.buildings[1]
    number = fictional_id_number(7010)
    rows = [
        _row(building, room="801", id_number=number),
        _row(building, room="802", id_number=number),
        _row(building, room="803", id_number=world.residents[0].id_number),
    ]
    response = _upload(client, rows)
    errors = {(e.row, e.column) for e in response.context["report"].errors}
    assert (3, str(roster.COLUMNS[7][1])) in errors
    assert (4, str(roster.COLUMNS[7][1])) in errors
    assert not Resident.objects.filter(id_number=number).exists()
    # The report shows masked numbers only (the scanner fixture checks the page too).
    assert world.residents[0].id_number not in response.content.decode()


def test_a_building_outside_the_uploaders_scope_is_refused(world, client):
    client.force_login(world.users["community_worker"])
    other = world.buildings[4]  # the second community
    response = _upload(client, [_row(other, room="801")])
    errors = response.context["report"].errors
    assert len(errors) == 1 and "outside" in errors[0].message or "之外" in errors[0].message
    assert not Household.objects.filter(building=other, room="801").exists()


def test_a_file_without_the_required_columns_is_refused(world, client):
    client.force_login(world.users["community_worker"])
    response = _upload(client, [["x"]], header=["foo"])
    assert response.status_code == 400
    assert response.context["report"].errors[0].row == 1


def test_a_file_that_is_not_excel_is_a_clear_error(world, client):
    client.force_login(world.users["community_worker"])
    response = client.post(
        "/net/roster/import/", {"file": SimpleUploadedFile("roster.xlsx", b"not a zip file")}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["file"]


def test_posts_without_the_import_permission_cannot_import(world, client):
    client.force_login(world.users["building_leader"])
    assert client.get("/net/roster/import/").status_code == 403


def _export(client, **node):
    response = client.get("/net/roster/export.xlsx", node)
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]


def test_export_is_masked_for_posts_without_reveal(world, client):
    client.force_login(world.users["street_admin"])
    rows = _export(client, community=world.communities[0].pk)
    assert (
        len(rows) == Resident.objects.filter(community=world.communities[0], state="living").count()
    )
    assert all("********" in row[7] for row in rows)
    assert not PersonalDataAccess.objects.exists()


def test_export_is_whole_and_logged_for_posts_with_reveal(world, client):
    client.force_login(world.users["community_worker"])
    rows = _export(client, community=world.communities[0].pk)
    assert {row[7] for row in rows} <= {r.id_number for r in Resident.objects.all()}
    entry = PersonalDataAccess.objects.get()
    assert entry.field == "export" and world.communities[0].code in entry.detail


def test_an_exported_roster_imports_back_unchanged(world, client):
    client.force_login(world.users["community_worker"])
    rows = _export(client, grid=world.grids[0].pk)
    response = _upload(client, [[c if c is not None else "" for c in row] for row in rows])
    report = response.context["report"]
    assert report.ok, [(e.row, e.column, e.message) for e in report.errors]
    assert report.residents_created == 0 and report.households_created == 0


def test_export_out_of_scope_is_404(world, client):
    client.force_login(world.users["community_worker"])
    assert (
        client.get("/net/roster/export.xlsx", {"community": world.communities[2].pk}).status_code
        == 404
    )
    assert (
        client.get("/net/roster/export.xlsx", {"community": "99999999999999999999999"}).status_code
        == 404
    )
    assert client.get("/net/roster/export.xlsx").status_code == 404
