"""The roles granted the permissions of disclosure, admission and venture calls, and the
first version of the admitted-work list (an example a county replaces by its own)."""

from django.db import migrations

CITE = "《浙江省社区工作事项准入清单》（示例）"
ITEMS = [
    (
        "S01",
        "statutory",
        "居民委员会选举和换届",
        "meeting",
        "选举,换届",
        "《居民委员会组织法》第八条",
    ),
    ("S02", "statutory", "社区居务公开", "report", "公开,居务", "《居民委员会组织法》第十七条"),
    (
        "A01",
        "assisting",
        "人口普查和抽样调查入户",
        "survey",
        "普查,抽样,调查,人口",
        CITE + " 协助 1",
    ),
    ("A02", "assisting", "困难群众救助申请初审", "ledger", "救助,低保,困难", CITE + " 协助 2"),
    ("A03", "assisting", "居民满意度调查", "survey", "满意度,调查,问卷", CITE + " 协助 3"),
    (
        "P01",
        "prohibited",
        "以社区名义开展招商引资、协税护税",
        "assessment",
        "招商,引资,协税,护税",
        CITE + " 禁止 1",
    ),
    (
        "P02",
        "prohibited",
        "要求社区开展排名评比、考核创建",
        "ranking",
        "排名,评比,创建,考核",
        CITE + " 禁止 2",
    ),
    (
        "P03",
        "prohibited",
        "要求社区悬挂与职责无关的牌子",
        "signboard",
        "挂牌,牌子",
        CITE + " 禁止 3",
    ),
    (
        "C01",
        "cancelled",
        "居住证明（已取消）",
        "",
        "居住证明",
        "浙江省 2023 年取消的 28 项社区证明 之一",
    ),
    (
        "C02",
        "cancelled",
        "亲属关系证明（已取消）",
        "",
        "亲属关系",
        "浙江省 2023 年取消的 28 项社区证明 之一",
    ),
]


def forwards(apps, schema_editor):
    import datetime

    from funding.permissions import ROLE_PERMISSIONS
    from grid.services import install_role_permissions

    install_role_permissions(apps, ROLE_PERMISSIONS)
    AdmissionList = apps.get_model("funding", "AdmissionList")
    AdmissionItem = apps.get_model("funding", "AdmissionItem")
    if AdmissionList.objects.exists():
        return
    first = AdmissionList.objects.create(
        number=1, in_force_from=datetime.date(2026, 1, 1), note="门户示例清单"
    )
    for code, kind, title, deliverable, keywords, citation in ITEMS:
        AdmissionItem.objects.create(
            list=first,
            code=code,
            kind=kind,
            title=title,
            deliverable=deliverable,
            keywords=keywords,
            citation=citation,
        )


class Migration(migrations.Migration):
    dependencies = [("funding", "0003_disclosure_admission_venture")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
