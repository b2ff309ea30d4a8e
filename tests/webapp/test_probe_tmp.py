from tests.conftest import World, login, submit_form
from tests.webapp import cases


def test_probe(client, world: World) -> None:
    login(client, world.inspector.username)
    r = submit_form(client, "/appeals/new", {"channel": "walk_in", "mahalla": "M1", "kind": "ariza", "applicant_name": "", "category": "other", "urgency": "normal", "text": "Ko'chada chiroq yo'q, yordam bering."})
    print(r.status_code, r.headers.get("Location"))
    r = submit_form(client.application.test_client(), "/login?next=/x", {"username": "inspector1", "password": "secret-pass", "next": "/\\evil.example"})
    print(r.status_code, r.headers.get("Location"))
    a = cases.register(world)
    t = cases.drive_to(world, a, "evaluate_effectiveness")
    client2 = client.application.test_client()
    login(client2, "supervisor")
    html = client2.get(f"/tasks/{t.id}").get_data(as_text=True)
    i = html.find("<form method=\"post\" novalidate")
    print(html[i:i+4000])
    t = cases.drive_to(world, cases.register(world), "check_registration")
    html = client.get(f"/tasks/{t.id}").get_data(as_text=True)
    i = html.find("<form method=\"post\" novalidate")
    print(html[i:i+4000])
    print(client.get(f"/appeals/{a.number}").get_data(as_text=True)[-5000:])
