"""Pages in the reader's language, in a real browser: the names a diagram gives its tasks and lanes per
language (extension properties name_ru / name_en, as a methodologist sets them in the modeler), and
the urgent badge of a Russian inbox after an Uzbek one; a task's norm (P1D) in words; date pickers and
file inputs in the page's language.

A version of the appeal lifecycle is published with Russian names for check_registration and the
inspector lanes (names the catalogues cannot know); a Russian-speaking inspector and supervisor then
read them in the inbox, on the task page, in the case timeline, on the bottlenecks page (table and
drawing); an Uzbek reader still reads the default names. Screenshots at 1280 and 390 width.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from babel.dates import format_date

from tests.bottlenecks.conftest import registered_and_checked
from tests.conftest import World
from tests.e2e.conftest import screenshot
from tests.e2e.test_case_diagram import log_in, watch_errors
from tests.webapp.cases import register, the_task
from webapp.cases.versions import APPEAL_PROCESS, bundled_files, publish_files
from webapp.extensions import db
from webapp.platform.timeutil import local_today, utcnow

TASK_RU = "Проверка обращения (имя из диаграммы)"
TASK_EN = "Registration check (named in the diagram)"
LANE_RU = "Участковый инспектор профилактики"
DEFAULT_UZ = "Murojaatni tekshirish va tasniflash"
PHONE = {"width": 390, "height": 844}


def _named(file_name: str, content: str) -> str:
    """check_registration and every inspector lane named per language, as the properties panel writes it."""
    if file_name == "appeal_registration.bpmn":  # its first norm is check_registration's
        content = content.replace(
            '<camunda:property name="norm" value="P1D"/>',
            '<camunda:property name="norm" value="P1D"/>'
            f'<camunda:property name="name_ru" value="{TASK_RU}"/><camunda:property name="name_en" value="{TASK_EN}"/>',
            1,
        )
    return re.sub(
        r'(<bpmn:lane id="lane_\w+_inspector" name="inspector">)',
        r"\1<bpmn:extensionElements><camunda:properties>"
        f'<camunda:property name="name_ru" value="{LANE_RU}"/>'
        "</camunda:properties></bpmn:extensionElements>",
        content,
    )


@pytest.fixture
def named_version(world: World) -> Any:
    files = {name: _named(name, content) for name, content in bundled_files(APPEAL_PROCESS).items()}
    assert [name for name, content in files.items() if TASK_RU in content] == ["appeal_registration.bpmn"]
    version = publish_files(APPEAL_PROCESS, files, actor=world.methodologist, note="names per language")
    db.session.commit()
    return version


def _speaks(user: Any, language: str) -> None:
    user.language = language
    db.session.commit()


def test_tasks_and_lanes_named_by_the_diagram_in_the_readers_language(
    world: World, new_page: Any, named_version: Any
) -> None:
    start = (utcnow() - dt.timedelta(days=3)).replace(microsecond=0)
    done = registered_and_checked(world, start, 5)
    waiting = register(world, urgency="urgent")
    _speaks(world.inspector, "ru")
    _speaks(world.supervisor, "ru")
    task = the_task(waiting, "check_registration")

    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.inspector.username)
    assert page.locator(f"main table a[href='/tasks/{task.id}']").inner_text().strip() == TASK_RU
    assert DEFAULT_UZ not in page.locator("main").inner_text()
    screenshot(page, "names-inbox-ru-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "names-inbox-ru-phone")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"/tasks/{task.id}")
    assert page.locator("main h1").inner_text().strip() == TASK_RU
    assert page.title().startswith(TASK_RU)
    assert page.locator(".task-norm").inner_text() == "Норматив: 1 день"  # P1D in the diagram
    assert LANE_RU in page.locator("main").inner_text()  # the lane holding the task, by its own name
    screenshot(page, "names-task-ru-laptop")

    # The timeline of the case whose check is done names the task as the diagram does in Russian.
    page.goto(f"/appeals/{done.number}")
    timeline = page.locator(".timeline").inner_text()
    assert TASK_RU in timeline and DEFAULT_UZ not in timeline
    # The case diagram of the waiting case (its stage first): tasks and lanes named in Russian.
    page.goto(f"/appeals/{waiting.number}")
    page.wait_for_selector("[data-diagram-canvas][data-process-id=appeal_registration][data-rendered=true]")
    drawing = page.locator("[data-diagram-canvas]").inner_text()
    assert LANE_RU in drawing and TASK_RU in drawing
    assert not re.search(r"\binspector\b", drawing)
    assert "Руководитель" in drawing  # a lane without a Russian name: its role, in Russian

    # The bottlenecks page: the task by its Russian name, its lane by the lane's Russian name, the
    # supervisor's tasks by the role in Russian; the drawing's lanes likewise.
    page.context.clear_cookies()
    log_in(page, world.supervisor.username)
    page.goto("/bottlenecks")
    row = page.locator("tr[data-task=check_registration]")
    cells = row.locator("td")
    assert cells.nth(0).inner_text().strip() == TASK_RU
    assert cells.nth(2).inner_text().strip() == LANE_RU
    assert page.get_by_role("cell", name=TASK_RU, exact=True).count() == 1  # that task only
    roles = page.locator("tr[data-task=approve_reply] td").nth(2).inner_text().strip()
    assert roles == "Руководитель", roles
    page.wait_for_selector("[data-diagram-canvas][data-rendered=true]")
    page.click("[data-diagram-tabs] button[data-process-id=appeal_registration]")
    page.wait_for_selector("[data-diagram-canvas][data-process-id=appeal_registration][data-rendered=true]")
    drawing = page.locator("[data-diagram-canvas]").inner_text()
    assert LANE_RU in drawing and not re.search(r"\b(inspector|supervisor)\b", drawing)
    screenshot(page, "names-bottlenecks-ru-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, "names-bottlenecks-ru-phone")

    # An Uzbek reader reads the default name; an English one the diagram's English name.
    for language, expected in (("uz", DEFAULT_UZ), ("en", TASK_EN)):
        _speaks(world.inspector, language)
        page.context.clear_cookies()
        log_in(page, world.inspector.username)
        assert page.locator(f"main table a[href='/tasks/{task.id}']").inner_text().strip() == expected
    assert errors == []


def test_the_urgent_badge_speaks_the_language_of_the_page(world: World, new_page: Any) -> None:
    register(world, urgency="urgent", mahalla=world.second_mahalla, actor=world.inspector2)
    register(world, urgency="urgent")
    _speaks(world.inspector2, "uz")
    _speaks(world.inspector, "ru")

    # The inbox is drawn in Uzbek first: the Russian one after it must not keep the Uzbek word.
    uzbek = new_page()
    log_in(uzbek, world.inspector2.username)
    assert uzbek.locator("main .badge.text-bg-danger").first.inner_text().strip() == "Shoshilinch"
    russian = new_page()
    log_in(russian, world.inspector.username)
    badges = [text.strip() for text in russian.locator("main .badge.text-bg-danger").all_inner_texts()]
    assert badges and set(badges) == {"Срочное"}, badges
    assert "Shoshilinch" not in russian.locator("main").inner_text()
    russian.set_viewport_size(PHONE)
    badges = [b.strip() for b in russian.locator("main .list-group .badge.text-bg-danger").all_inner_texts()]
    assert badges == ["Срочное"], badges
    screenshot(russian, "urgent-badge-ru-phone")


CALENDAR = {
    "ru": {
        "weekday": "Пн",
        "hint": "дд.мм.гггг",
        "choose": "Выбрать файлы",
        "none": "Файл не выбран",
        "chosen": "Выбрано файлов: 2",
    },
    "uz": {
        "weekday": "Du",
        "hint": "kk.oo.yyyy",
        "choose": "Fayllarni tanlash",
        "none": "Fayl tanlanmagan",
        "chosen": "Tanlangan fayllar: 2",
    },
}


@pytest.mark.parametrize("language", ["ru", "uz"])
def test_date_pickers_and_file_inputs_speak_the_language_of_the_page(
    world: World, new_page: Any, language: str, tmp_path: Any
) -> None:
    texts = CALENDAR[language]
    _speaks(world.supervisor, language)
    _speaks(world.inspector, language)
    page = new_page()
    errors = watch_errors(page)
    log_in(page, world.supervisor.username)

    # A date field: the calendar in the page's language; typed in the language's short format, the
    # form sends ISO.
    page.goto("/absences")
    visible = page.locator("main #starts_on")
    assert visible.get_attribute("type") == "text"
    assert page.locator("main label[for=starts_on]").count() == 1  # the label names what is edited
    assert visible.get_attribute("placeholder") == texts["hint"]  # the format to type, in the language
    visible.click()
    calendar = page.locator(".flatpickr-calendar.open")
    assert calendar.count() == 1
    assert texts["weekday"] in calendar.locator(".flatpickr-weekdays").inner_text()
    month = format_date(local_today(), "LLLL", locale=language)
    months = calendar.locator("select.flatpickr-monthDropdown-months")
    shown = months.evaluate("el => el.options[el.selectedIndex].text")
    assert shown.strip().lower() == month.lower(), (shown, month)
    screenshot(page, f"date-picker-{language}-laptop")
    page.keyboard.press("Escape")
    day = local_today() + dt.timedelta(days=2)
    visible.fill(day.strftime("%d.%m.%Y"))
    visible.press("Enter")
    assert page.eval_on_selector("main [name=starts_on]", "el => el.value") == day.isoformat()
    page.set_viewport_size(PHONE)
    visible.click()
    screenshot(page, f"date-picker-{language}-phone")

    # A file input: the button and the status line in the page's language, not the browser's.
    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, world.inspector.username)
    page.goto("/appeals/new")
    picker = page.locator("main .file-picker")
    assert picker.locator(".file-picker-button").inner_text().strip() == texts["choose"]
    assert picker.locator(".file-picker-status").inner_text().strip() == texts["none"]
    first, second = tmp_path / "ariza.pdf", tmp_path / "rasm.png"
    first.write_bytes(b"%PDF-1.4\n%%EOF\n")
    second.write_bytes(b"\x89PNG\r\n\x1a\n")
    page.set_input_files("main input[name=attachments]", [str(first), str(second)])
    status = picker.locator(".file-picker-status").inner_text()
    assert status.startswith(texts["chosen"]) and "ariza.pdf" in status, status
    screenshot(page, f"file-input-{language}-laptop")
    page.set_viewport_size(PHONE)
    screenshot(page, f"file-input-{language}-phone")
    assert errors == []
