"""Seed the eight report categories of issue 7 and grant the new models' permissions to the
"district admin" group."""

from django.db import migrations

from services.migrations import _grants

CATEGORIES = [
    ("道路凹陷", "请拍下凹陷全貌并放一件参照物（如手机），注明所在车道。", 7),
    ("井盖破损或缺失", "井盖缺失十分危险：请先在周边设置提醒，再拍照上报。", 2),
    ("路灯损坏", "请注明灯杆编号（如有）以及不亮的时段。", 5),
    ("交通设施损坏", "信号灯、护栏、标志标线损坏请注明方向和路口。", 5),
    ("占道或违停", "请拍下车牌或占道物品，注明占用时长。", 3),
    ("消防通道堵塞", "消防通道堵塞请同时拨打 119；此处上报用于后续整治。", 1),
    ("垃圾堆放", "请注明垃圾种类和大致数量。", 3),
    ("其他安全隐患", "请尽量具体描述隐患及可能的后果。", 7),
]


def seed(apps, schema_editor):
    ReportCategory = apps.get_model("services", "ReportCategory")
    for order, (name, guidance, days) in enumerate(CATEGORIES, start=1):
        ReportCategory.objects.get_or_create(
            name=name,
            defaults={"guidance": guidance, "time_limit_days": days, "sort_order": order},
        )


def unseed(apps, schema_editor):
    ReportCategory = apps.get_model("services", "ReportCategory")
    ReportCategory.objects.filter(
        name__in=[name for name, _, _ in CATEGORIES], reports__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0008_reports"),
        ("yangpu_portal", "0002_role_groups"),
    ]

    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(_grants.grant, _grants.noop),
    ]
