"""Browser sessions (issue 11, point 1): no token in web storage, the cookie flags, tabs refreshing at once,
reload through the cookie refresh, logout warning about unsent drafts and clearing the device."""

from __future__ import annotations

import re
import uuid
from typing import Any

from playwright.sync_api import expect

from mejora_common.testing import DEMO_NETWORK_ID, DEMO_PASSWORD

JWT = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]+")
STORAGE = """() => {
    const dump = (s) => Object.fromEntries(Object.keys(s).map((k) => [k, s.getItem(k)]));
    return { local: dump(localStorage), session: dump(sessionStorage) };
}"""
CONCURRENT_REFRESH = """async () => {
    const csrf = document.cookie.split("; ").find((c) => c.startsWith("mejora_csrf=")).split("=")[1];
    const send = () => fetch("/api/v1/auth/refresh", { method: "POST", headers: { "X-CSRF-Token": csrf } });
    const answers = await Promise.all([send(), send(), send()]);
    return answers.map((r) => r.status);
}"""


def assert_no_token_in_web_storage(page: Any) -> None:
    stored = page.evaluate(STORAGE)
    for area in ("local", "session"):
        for key, value in stored[area].items():
            assert not JWT.search(value or ""), (area, key)
            assert "token" not in key.lower() and "refresh" not in key.lower() and "access" not in key.lower()


def test_no_token_in_web_storage_and_the_cookie_flags(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    assert_no_token_in_web_storage(page)
    cookies = {c["name"]: c for c in page.context.cookies()}
    refresh = cookies["mejora_refresh"]
    assert refresh["httpOnly"] is True
    assert refresh["sameSite"] == "Strict"
    assert refresh["path"] == "/api/v1/auth"
    assert refresh["secure"] is False  # plain HTTP on loopback; Secure under HTTPS (services/cycles tests)
    csrf = cookies["mejora_csrf"]
    assert (csrf["httpOnly"], csrf["sameSite"], csrf["path"]) == (False, "Strict", "/")
    # Scripts cannot read the refresh token.
    assert "mejora_refresh" not in page.evaluate("() => document.cookie")


def test_reload_keeps_the_session_through_the_cookie(page: Any, log_in: Any) -> None:
    log_in("educadora@demo.cl")
    first = page.context.cookies()
    page.reload()
    expect(page.get_by_test_id("current-user")).to_contain_text("Javiera Morales Silva")
    rotated = {c["name"]: c["value"] for c in page.context.cookies()}
    assert rotated["mejora_refresh"] != {c["name"]: c["value"] for c in first}["mejora_refresh"]
    assert_no_token_in_web_storage(page)


def test_two_tabs_refreshing_at_once_both_stay_logged_in(page: Any, log_in: Any) -> None:
    log_in("coordinacion@demo.cl")
    other = page.context.new_page()
    other.goto("/")
    expect(other.get_by_test_id("current-user")).to_be_visible()
    # Both tabs reload at the same moment: each opens its session with a cookie refresh (Web Locks in line).
    page.evaluate("() => setTimeout(() => location.reload(), 0)")
    other.evaluate("() => setTimeout(() => location.reload(), 0)")
    for tab in (page, other):
        expect(tab.get_by_test_id("current-user")).to_be_visible()
    # Refreshes with the same cookie at once, without the lock (a browser without Web Locks): all answered.
    assert page.evaluate(CONCURRENT_REFRESH) == [200, 200, 200]
    for tab in (page, other):
        tab.reload()
        expect(tab.get_by_test_id("current-user")).to_be_visible()
    # And the session works from either tab afterwards (the family was not revoked).
    other.goto(f"/redes/{DEMO_NETWORK_ID}")
    expect(other.get_by_role("heading", level=1)).to_be_visible()
    other.close()


def test_logout_with_an_unsent_draft_warns_and_keeps_it(page: Any, log_in: Any) -> None:
    log_in("acompanante2@demo.cl")
    draft_id = str(uuid.uuid4())
    unsent = {
        "id": draft_id,
        "body": {"network_id": str(DEMO_NETWORK_ID)},
        "version": 2,
        "syncedVersion": 1,
        "updatedAt": "2026-01-05T12:00:00.000Z",
        "timers": {},
    }
    page.evaluate(
        """(d) => {
            localStorage.setItem('mejora.observations.drafts', JSON.stringify({ [d.id]: d }));
            localStorage.setItem('mejora.observations.cache.teachers', '[]');
        }""",
        unsent,
    )
    page.get_by_role("button", name="Cerrar sesión").click()
    warning = page.get_by_role("alertdialog")
    expect(warning).to_contain_text("1 observación(es) de este dispositivo aún no se han enviado")
    warning.get_by_role("button", name="Cancelar").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    with page.expect_response("**/api/v1/auth/logout") as logout:
        page.get_by_role("button", name="Cerrar sesión de todos modos").click()
    assert logout.value.status == 204
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
    stored = page.evaluate(STORAGE)["local"]
    assert draft_id in stored["mejora.observations.drafts"]  # kept until sent
    assert "mejora.observations.cache.teachers" not in stored
    assert "mejora.profile" not in stored
    assert "mejora_refresh" not in {c["name"] for c in page.context.cookies()}
    page.reload()
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()


def test_through_the_gateway_cookies_pass_unmerged_and_are_secure_under_https(system: Any) -> None:
    with system.client() as client:
        login = client.post(
            "/api/v1/auth/token",
            data={"username": "educadora@demo.cl", "password": DEMO_PASSWORD},
            headers={"X-Token-Delivery": "cookie", "X-Forwarded-Proto": "https"},
        )
        assert login.status_code == 200, login.text
        assert "refresh_token" not in login.json()
        cookies = login.headers.get_list("set-cookie")
        assert sorted(c.split("=", 1)[0] for c in cookies) == ["mejora_csrf", "mejora_refresh"]
        assert all("secure" in c.lower() for c in cookies), cookies
        # Without the CSRF header a cookie refresh is refused; with it, it rotates (cookie sent by hand: Secure).
        refresh = next(c for c in cookies if c.startswith("mejora_refresh=")).split(";")[0]
        csrf = next(c for c in cookies if c.startswith("mejora_csrf=")).split(";")[0].split("=", 1)[1]
        refused = client.post("/api/v1/auth/refresh", headers={"Cookie": refresh})
        assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"
        rotated = client.post("/api/v1/auth/refresh", headers={"Cookie": refresh, "X-CSRF-Token": csrf})
        assert rotated.status_code == 200, rotated.text
        assert "refresh_token" not in rotated.json()


def test_without_a_connection_the_app_opens_on_the_cached_profile_and_asks_a_login_once_back(
    page: Any, log_in: Any
) -> None:
    log_in("acompanante2@demo.cl")
    expect(page.get_by_test_id("current-user")).to_contain_text("Rodrigo Pérez Lagos")
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    page.reload()
    expect(page.get_by_test_id("offline-session")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_contain_text("Rodrigo Pérez Lagos")
    assert_no_token_in_web_storage(page)
    # The session ended meanwhile (say, it expired); the connection comes back: now the login is asked for.
    page.context.clear_cookies()
    page.unroute("**/api/v1/**")
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(page.get_by_role("heading", name="Iniciar sesión")).to_be_visible()
