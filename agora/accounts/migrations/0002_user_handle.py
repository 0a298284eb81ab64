"""Give every person a unique @handle, made from their name."""

import django.core.validators
from django.db import migrations, models
from django.utils.text import slugify

HANDLE_MAX = 30


def fill_handles(apps, schema_editor):
    """Name → handle, as `agora.accounts.models.unique_handle` does (copied: no app code here)."""
    User = apps.get_model("accounts", "User")
    taken = set()
    people = list(User.objects.order_by("pk").only("pk", "name", "email"))
    for person in people:
        base = slugify(person.name or person.email.split("@")[0])[: HANDLE_MAX - 4].strip("-_")
        base = base or "person"
        handle, n = base, 2
        while handle in taken:
            handle, n = f"{base}{n}", n + 1
        taken.add(handle)
        person.handle = handle
    User.objects.bulk_update(people, ["handle"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="handle",
            field=models.CharField(default="", max_length=30, verbose_name="handle"),
            preserve_default=False,
        ),
        migrations.RunPython(fill_handles, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="user",
            name="handle",
            field=models.CharField(
                error_messages={"unique": "Someone already has this handle; choose another."},
                help_text="Others mention you as @handle in discussions.",
                max_length=30,
                unique=True,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?$",
                        "Use lowercase letters, digits, - and _ only, starting and ending with "
                        "a letter or a digit.",
                        code="bad_handle",
                    )
                ],
                verbose_name="handle",
            ),
        ),
    ]
