import pytest


@pytest.fixture
def team(world):
    from volunteers.models import Team

    return Team.objects.get(name="蓝马甲志愿服务队")
