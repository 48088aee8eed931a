from django.db import migrations

SOURCE_CITY = "数字化城市管理部件和事件分类与立结案规范（GB/T 30428 系列）"
SOURCE_12345 = "国办发〔2020〕53号 12345热线工作规范"

# (code, name, [(leaf code, leaf name, limit, unit, source, public)])
TREE = [
    (
        "livelihood",
        "民生服务",
        [
            ("livelihood-help", "求助", 3, "days", SOURCE_12345, False),
            ("livelihood-urgent", "紧急求助", 4, "hours", SOURCE_12345, False),
        ],
    ),
    (
        "dispute",
        "矛盾纠纷",
        [
            ("dispute-neighbour", "邻里纠纷", 5, "days", SOURCE_12345, False),
            ("dispute-family", "家庭纠纷", 5, "days", SOURCE_12345, False),
        ],
    ),
    (
        "safety",
        "安全隐患",
        [
            ("safety-fire", "消防通道堵塞", 4, "hours", SOURCE_CITY, True),
            ("safety-building", "房屋安全", 3, "days", SOURCE_CITY, True),
        ],
    ),
    (
        "environment",
        "环境卫生",
        [
            ("environment-rubbish", "暴露垃圾", 2, "hours", SOURCE_CITY, True),
            ("environment-water", "道路积水", 4, "hours", SOURCE_CITY, True),
            ("environment-greenery", "绿化损坏", 5, "days", SOURCE_CITY, True),
        ],
    ),
    (
        "property",
        "物业管理",
        [
            ("property-service", "物业服务", 5, "days", SOURCE_12345, True),
            ("property-construction", "违法搭建", 20, "days", SOURCE_CITY, True),
        ],
    ),
    (
        "facility",
        "公共设施",
        [
            ("facility-light", "路灯损坏", 3, "days", SOURCE_CITY, True),
            ("facility-elevator", "电梯故障", 1, "days", SOURCE_CITY, True),
        ],
    ),
    (
        "care",
        "为老助残",
        [
            ("care-elderly", "老人关爱", 3, "days", SOURCE_12345, False),
            ("care-disabled", "助残服务", 3, "days", SOURCE_12345, False),
        ],
    ),
    ("enquiry", "政策咨询", [("enquiry-policy", "政策咨询", 3, "days", SOURCE_12345, False)]),
    (
        "suggestion",
        "意见建议",
        [("suggestion-general", "意见建议", 13, "days", SOURCE_12345, True)],
    ),
]


def install(apps, schema_editor):
    import datetime

    from grid.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    Category = apps.get_model("grid", "Category")
    for code, name, leaves in TREE:
        parent, _ = Category.objects.get_or_create(code=code, defaults={"name": name})
        for leaf_code, leaf_name, limit, unit, source, public in leaves:
            Category.objects.get_or_create(
                code=leaf_code,
                defaults={
                    "parent": parent,
                    "name": leaf_name,
                    "handle_limit": limit,
                    "handle_unit": unit,
                    "limit_source": source,
                    "limit_effective": datetime.date(2021, 1, 1),
                    "public_by_default": public,
                },
            )
    install_role_permissions(apps, ROLE_PERMISSIONS)


class Migration(migrations.Migration):
    dependencies = [("grid", "0008_service_requests")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
