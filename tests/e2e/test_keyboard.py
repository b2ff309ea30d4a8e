"""Keyboard-only use: sign in, skip the menu, open a task from the inbox and complete its form; a
supervisor reads the letter of a reply-approval task, tries to return it without a comment, then
approves it.

Every step is a key press (Tab, Enter, Space, arrows, typing); the mouse is never used. Each element
that receives focus on the way must show a visible focus indicator.
"""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import PASSWORD, World
from tests.e2e.conftest import screenshot
from tests.webapp.cases import drive_to, register, the_task
from webapp.cases.instances import was_completed

FOCUS_VISIBLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return false;
    const style = getComputedStyle(el);
    const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== 'none';
    const rect = el.getBoundingClientRect();
    return (ring || shadow) && rect.width > 0 && rect.height > 0;
}"""


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab until ``selector`` has the focus, checking each stop shows where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.outerHTML")[:120]
        assert page.evaluate(FOCUS_VISIBLE), f"no visible focus on {focused}"
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received the focus by Tab")


def choose(page: Any, name: str, value: str) -> None:
    """Pick an option of a select with the arrow keys only."""
    tab_to(page, f"main select[name={name}]")
    for key in ("ArrowDown", "ArrowUp"):
        for _ in range(30):
            if page.eval_on_selector(f"main select[name={name}]", "el => el.value") == value:
                return
            page.keyboard.press(key)
    raise AssertionError(f"option {value} of {name} not reachable with the arrow keys")


def log_in_by_keyboard(page: Any, username: str) -> None:
    page.goto("/login")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    tab_to(page, "input[name=password]")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks$"))


def test_inbox_and_task_form_by_keyboard_only(new_page: Any, world: World) -> None:
    appeal = register(world)
    page = new_page()
    log_in_by_keyboard(page, world.inspector.username)

    # The skip link comes first and lands in the main content, past the menu.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert page.evaluate(FOCUS_VISIBLE)
    screenshot(page, "keyboard-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    task = the_task(appeal, "check_registration")
    tab_to(page, f"main a[href='/tasks/{task.id}']", 120)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks/[0-9a-f-]+$"))
    page.wait_for_selector("main form")

    choose(page, "kind", "shikoyat")
    choose(page, "category", "crime_prevention")
    choose(page, "urgency", "urgent")
    tab_to(page, "main input[name=within_competence]")
    if not page.eval_on_selector("main input[name=within_competence]", "el => el.checked"):
        page.keyboard.press("Space")
    screenshot(page, "keyboard-task-form")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks$"))
    assert page.locator(".alert-success").count() == 1


def test_a_supervisor_approves_a_reply_by_keyboard_only(new_page: Any, world: World) -> None:
    appeal = register(world)
    task = drive_to(world, appeal, "approve_reply")
    page = new_page()
    log_in_by_keyboard(page, world.supervisor.username)
    tab_to(page, f"main a[href='/tasks/{task.id}']", 160)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/tasks/{task.id}$"))
    page.wait_for_selector("main form")
    assert page.locator(".approval-review .letter-text").count() == 1  # the letter being approved

    # Returning without a comment is refused, in words, and the page keeps the decision open.
    tab_to(page, "main form button[name=decision][value=return]", 160)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_selector("main form")
    assert page.locator("main form button[name=decision][value=approve]").count() == 1
    assert page.locator("main .invalid-feedback:visible, main .decision-error").count() >= 1
    assert was_completed(task.id) is None
    screenshot(page, "keyboard-approval-return-refused")

    tab_to(page, "main form button[name=decision][value=approve]", 160)
    screenshot(page, "keyboard-approval")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks$"))
    assert page.locator(".alert-success").count() == 1
    completed = was_completed(task.id)
    assert completed is not None and completed.actor_id == world.supervisor.id
