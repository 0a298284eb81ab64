import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The placeholder video file becomes a link to a checked core.Video.

    Nothing wrote the placeholder, so it is dropped rather than converted.
    """

    dependencies = [
        ("core", "0002_video"),
        ("courses", "0001_courses_lessons_prompts_checks"),
    ]

    operations = [
        migrations.RemoveField(model_name="lesson", name="video"),
        migrations.AddField(
            model_name="lesson",
            name="video",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="lesson",
                to="core.video",
            ),
        ),
    ]
