"""Running the network from the web app: directory, roster import, calendar events and measures.

The system is shared by the whole test session, so these tests leave the demo directory as they found it
where other tests count it (six schools; no new teachers): what they create is removed again, and the people
they add are facilitators without a school.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID, auth_header

NETWORK = f"/redes/{DEMO_NETWORK_ID}"
ROSTER_HEADER = "rbd;establecimiento;comuna;run;nombre;email;rol;niveles\n"


def api_get(system: Any, token: str, path: str, **params: Any) -> Any:
    with system.client() as client:
        response = client.get(path, headers=auth_header(token), params=params)
    assert response.status_code == 200, response.text
    return response.json()


def if_match(client: Any, token: str, path: str) -> dict[str, str]:
    """Authorization plus If-Match with the ETag the resource answers now (a change must name the version)."""
    response = client.get(path, headers=auth_header(token))
    assert response.status_code == 200, response.text
    return {**auth_header(token), "If-Match": response.headers["ETag"]}


def test_coordinator_creates_edits_and_deletes_schools_and_people(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(NETWORK)
    schools = page.get_by_test_id("schools-section")
    schools.get_by_role("button", name="Agregar establecimiento").click()
    form = page.get_by_test_id("school-form")
    form.get_by_label("RBD").fill("0")
    form.get_by_label("Nombre").fill("Escuela Rural El Maitén")
    form.get_by_label("Comuna").fill("Coquimbo")
    form.get_by_label("Región").fill("Coquimbo")
    form.get_by_label("NT1 / Prekínder").check()
    form.get_by_label("NT2 / Kínder").check()
    form.get_by_role("button", name="Guardar").click()
    expect(form.locator("#rbd-error")).to_contain_text("El RBD 0 no es válido")

    form.get_by_label("RBD").fill("24680")
    form.get_by_role("button", name="Guardar").click()
    row = page.get_by_test_id("school-table").locator("tr", has_text="Escuela Rural El Maitén")
    expect(row).to_contain_text("24680")
    expect(row).to_contain_text("NT1 / Prekínder, NT2 / Kínder")

    page.get_by_role("button", name="Editar Escuela Rural El Maitén").click()
    page.get_by_test_id("school-form").get_by_label("Comuna").fill("La Serena")
    page.get_by_test_id("school-form").get_by_role("button", name="Guardar").click()
    expect(row).to_contain_text("La Serena")

    # A person: the API's RUN check digit error appears next to the RUN field.
    people = page.get_by_test_id("people-section")
    people.get_by_role("button", name="Agregar persona").click()
    form = page.get_by_test_id("person-form")
    form.get_by_label("RUN").fill("19.876.543-5")
    form.get_by_label("Nombre").fill("Patricia Soto Varas")
    form.get_by_label("Correo electrónico").fill("patricia.soto@slepgm.cl")
    form.get_by_label("Rol").select_option("facilitator")
    form.get_by_label("Establecimiento").select_option(label="Escuela Rural El Maitén (24680)")
    form.get_by_label("1° básico").check()
    form.get_by_role("button", name="Guardar").click()
    expect(form.locator("#run-error")).to_have_text(
        "El RUN 19.876.543-5 no es válido: el dígito verificador debería ser 0"
    )
    expect(form.get_by_label("RUN")).to_have_attribute("aria-invalid", "true")
    form.get_by_label("RUN").fill("19.876.543-0")
    form.get_by_role("button", name="Guardar").click()
    expect(people.get_by_role("status")).to_contain_text("Persona guardada")
    people.get_by_role("combobox", name=re.compile("^Rol")).select_option("facilitator")
    person_row = page.get_by_test_id("people-table").locator("tr", has_text="Patricia Soto Varas")
    expect(person_row).to_contain_text("19876543-0")
    expect(person_row).to_contain_text("Escuela Rural El Maitén")

    # The school has a person: the API refuses to delete it and says why.
    page.get_by_role("button", name="Eliminar Escuela Rural El Maitén").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Sí, eliminar").click()
    expect(schools.get_by_role("alert")).to_contain_text(
        "No se puede eliminar Escuela Rural El Maitén: tiene 1 personas"
    )

    page.get_by_role("button", name="Editar Patricia Soto Varas").click()
    page.get_by_test_id("person-form").get_by_label("Establecimiento").select_option("")
    page.get_by_test_id("person-form").get_by_role("button", name="Guardar").click()
    expect(person_row).to_contain_text("Toda la red")

    page.get_by_role("button", name="Eliminar Escuela Rural El Maitén").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Sí, eliminar").click()
    expect(schools.get_by_role("status")).to_have_text("Se eliminó «Escuela Rural El Maitén».")
    expect(page.get_by_test_id("school-table")).not_to_contain_text("Escuela Rural El Maitén")


def test_roster_import_dry_run_then_apply_and_a_rejected_file(page: Any, log_in: Any, system: Any) -> None:
    token = system.token("coordinacion@demo.cl")
    log_in("coordinacion@demo.cl")
    page.goto(NETWORK)
    page.get_by_role("link", name="Importar nómina").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Importar nómina")

    roster = ROSTER_HEADER + (
        "24681;Escuela Los Pimientos;Ovalle;20.123.456-5;Rosa Díaz Pérez;;facilitador;\n"
        "24681;Escuela Los Pimientos;Ovalle;17.654.321-3;Marta Gil Soto;;Facilitador/a;\n"
    )
    file_input = page.get_by_label("Archivo CSV")
    file_input.set_input_files(
        files=[{"name": "nomina.csv", "mimeType": "text/csv", "buffer": roster.encode("latin-1")}]
    )
    page.get_by_role("button", name="Revisar (sin importar)").click()
    expect(page.get_by_role("heading", name="Esto es lo que cambiaría")).to_be_visible()
    expect(page.get_by_test_id("roster-summary")).to_have_text(
        "Establecimientos: 1 nuevos, 0 actualizados, 0 sin cambios. Personas: 2 nuevas, 0 actualizadas, 0 sin cambios."
    )
    changes = page.get_by_test_id("roster-changes").locator("tbody tr")
    expect(changes).to_have_count(3)
    expect(changes.nth(0)).to_contain_text("Escuela Los Pimientos")
    expect(page.get_by_test_id("roster-changes")).to_contain_text("Rosa Díaz Pérez")  # read as Latin-1
    # The dry run wrote nothing.
    schools = api_get(system, token, f"/api/v1/networks/{DEMO_NETWORK_ID}/schools", limit=200)["items"]
    assert 24681 not in [s["rbd"] for s in schools]

    page.get_by_role("button", name="Importar", exact=True).click()
    expect(page.get_by_role("heading", name="Nómina importada")).to_be_visible()
    expect(page.get_by_role("button", name="Importar", exact=True)).to_have_count(0)
    schools = api_get(system, token, f"/api/v1/networks/{DEMO_NETWORK_ID}/schools", limit=200)["items"]
    imported = next(s for s in schools if s["rbd"] == 24681)

    # A file with invalid rows: every error with its line and column, and nothing imported.
    bad = ROSTER_HEADER + (
        "abc;Escuela X;;20.123.456-4;Ana Pérez;;docente;\n24682;Escuela Y;;17.654.321-3;;;cocinero;\n"
    )
    file_input.set_input_files(files=[{"name": "mala.csv", "mimeType": "text/csv", "buffer": bad.encode()}])
    page.get_by_role("button", name="Revisar (sin importar)").click()
    expect(page.get_by_role("alert")).to_have_text("El archivo tiene 4 error(es); no se importó nada.")
    errors = page.get_by_test_id("roster-errors").locator("tbody tr")
    expect(errors).to_have_count(4)
    expect(errors.nth(0).locator("td")).to_have_text(["2", "rbd", re.compile(r"^El RBD «abc» no es válido")])
    expect(errors.nth(1).locator("td")).to_have_text(
        ["2", "run", "El RUN 20.123.456-4 no es válido: el dígito verificador debería ser 5"]
    )
    expect(errors.nth(2).locator("td")).to_have_text(["3", "nombre", "Falta el nombre de la persona"])
    expect(errors.nth(3).locator("td")).to_have_text(["3", "rol", re.compile(r"^Rol desconocido: «cocinero»")])
    expect(page.get_by_role("button", name="Importar", exact=True)).to_have_count(0)

    # Leave the shared demo directory with its six schools (the imported people stay, without a school).
    with system.client() as client:
        people = client.get(
            f"/api/v1/networks/{DEMO_NETWORK_ID}/people",
            headers=auth_header(token),
            params={"school_id": imported["id"]},
        ).json()["items"]
        assert sorted(p["name"] for p in people) == ["Marta Gil Soto", "Rosa Díaz Pérez"]
        for person in people:
            path = f"/api/v1/people/{person['id']}"
            moved = client.patch(path, headers=if_match(client, token, path), json={"school_id": None})
            assert moved.status_code == 200, moved.text
        path = f"/api/v1/schools/{imported['id']}"
        deleted = client.delete(path, headers=if_match(client, token, path))
        assert deleted.status_code == 204, deleted.text


def test_coordinator_schedules_and_edits_an_event(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"{NETWORK}/calendario?year=2025")
    page.get_by_role("link", name="Nuevo evento").click()
    form = page.get_by_test_id("event-form")
    form.get_by_label("Tipo de evento").select_option("expert_meeting")
    form.get_by_role("button", name="Guardar evento").click()
    expect(form.locator("#title-error")).to_be_visible()
    expect(form.locator("#starts_at-error")).to_be_visible()

    form.get_by_label("Título").fill("Reunión de expertos: lenguaje oral")
    form.get_by_label("Fecha y hora de inicio").fill("2025-06-12T15:30")
    form.get_by_label("Lugar").fill("Universidad de La Serena")
    form.get_by_label("Escuela Básica Los Aromos").check()
    form.get_by_label("Agenda").fill("1. Evidencia sobre lenguaje oral\n2. Preguntas de la red")
    form.get_by_label("Carolina Muñoz Rojas").check()
    form.get_by_label("Notas").fill("Asistieron las duplas de Los Aromos")
    form.get_by_label("Acuerdos").fill("Probar el modelado de vocabulario en NT2")
    form.get_by_role("button", name="Guardar evento").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Reunión de expertos: lenguaje oral")
    expect(page.get_by_role("status")).to_have_text("Evento guardado.")
    details = page.get_by_test_id("event-details")
    expect(details).to_contain_text("Escuela Básica Los Aromos")
    expect(details).to_contain_text("1 presentes: Carolina Muñoz Rojas")
    expect(details).to_contain_text("Probar el modelado de vocabulario en NT2")
    expect(page.locator(".meta").first).to_contain_text(
        re.compile(r"12-06-2025, (15:30|3:30\s*p\.\s*m\.)")
    )  # entered and shown in Santiago time

    page.get_by_role("button", name="Editar evento").click()
    form = page.get_by_test_id("event-form")
    expect(form.get_by_label("Fecha y hora de inicio")).to_have_value("2025-06-12T15:30")
    form.get_by_label("Acuerdos").fill("Probar el modelado de vocabulario en NT1 y NT2")
    form.get_by_role("button", name="Guardar evento").click()
    expect(details).to_contain_text("Probar el modelado de vocabulario en NT1 y NT2")

    page.get_by_role("link", name="Volver al calendario").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan del año 2025")
    expect(page.get_by_test_id("calendar")).to_contain_text("Reunión de expertos: lenguaje oral")


def test_coordinator_creates_a_measure_and_imports_its_points(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    page.goto(f"{NETWORK}/medidas")
    page.get_by_role("button", name="Nueva medida").click()
    form = page.get_by_test_id("measure-form")
    form.get_by_role("button", name="Guardar medida").click()
    expect(form.locator("#name-error")).to_be_visible()

    form.get_by_label("Nombre de la medida").fill("Niños y niñas que hablan en la asamblea")
    form.get_by_label("Tipo de medida").select_option("outcome")
    form.get_by_label("Tipo de valor").select_option("proportion")
    form.get_by_label("Unidad").fill("%")
    form.get_by_label("Dirección").select_option("up")
    form.get_by_label("Frecuencia").select_option("monthly")
    form.get_by_label("Definición operacional").fill("Proporción del grupo que toma la palabra en la asamblea")
    form.get_by_role("button", name="Guardar medida").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Niños y niñas que hablan en la asamblea")
    expect(page.get_by_text("Aún no hay datos.")).to_be_visible()

    page.get_by_role("button", name="Editar medida").click()
    page.get_by_test_id("measure-form").get_by_label("Unidad").fill("proporción")
    page.get_by_test_id("measure-form").get_by_role("button", name="Guardar medida").click()
    expect(page.get_by_role("status")).to_have_text("Medida guardada.")
    expect(page.locator(".meta").first).to_contain_text("proporción")

    importer = page.get_by_test_id("points-import")
    bad = b"periodo;numerador;denominador;rbd\n2024-03-01;12;20;9102\n2024-04-01;abc;20;\n2024-05-01;30;20;99\n"
    importer.get_by_label("Archivo CSV").set_input_files(
        files=[{"name": "datos.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    importer.get_by_role("button", name="Importar datos").click()
    expect(importer.get_by_role("alert")).to_have_text("Hay 3 error(es); no se importó ningún dato.")
    errors = page.get_by_test_id("points-errors").locator("tbody tr")
    expect(errors).to_have_count(3)
    expect(errors.nth(0).locator("td")).to_have_text(["3", "numerator", "Debe ser un número."])
    expect(errors.nth(1).locator("td")).to_have_text(["4", "rbd", "No hay un establecimiento con RBD 99."])
    expect(page.get_by_text("Aún no hay datos.")).to_be_visible()

    good = b"periodo;numerador;denominador\n2024-03-01;12;20\n2024-04-01;14;20\n2024-05-01;15;20\n"
    importer.get_by_label("Archivo CSV").set_input_files(
        files=[{"name": "datos.csv", "mimeType": "text/csv", "buffer": good}]
    )
    importer.get_by_role("button", name="Importar datos").click()
    expect(importer.get_by_role("status")).to_have_text(
        "Se importaron 3 datos nuevos y se reemplazaron 0; la medida tiene 3 datos."
    )
    expect(page.get_by_test_id("points-table").locator("tbody tr")).to_have_count(3)


def test_a_teacher_sees_no_management_controls(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    page.goto(NETWORK)
    expect(page.get_by_test_id("school-table")).to_contain_text("Escuela Básica Los Aromos")
    expect(page.get_by_role("button", name="Agregar establecimiento")).to_have_count(0)
    expect(page.get_by_role("button", name="Agregar persona")).to_have_count(0)
    expect(page.get_by_role("link", name="Importar nómina")).to_have_count(0)
    expect(page.get_by_role("button", name="Definir una meta")).to_have_count(0)
    page.goto(f"{NETWORK}/calendario?year=2024")
    expect(page.get_by_test_id("calendar")).to_contain_text("Sesión de aprendizaje 1")
    expect(page.get_by_role("link", name="Nuevo evento")).to_have_count(0)
    page.goto(f"{NETWORK}/medidas")
    expect(page.get_by_role("link", name="Minutos semanales de planificación fuera de la jornada")).to_be_visible()
    expect(page.get_by_role("button", name="Nueva medida")).to_have_count(0)
