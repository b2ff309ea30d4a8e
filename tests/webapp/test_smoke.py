from tests.conftest import World, login


def test_inspector_sees_inbox(client, world: World) -> None:
    login(client, world.inspector.username)
    response = client.get("/tasks")
    assert response.status_code == 200
