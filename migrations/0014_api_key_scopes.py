from datetime import timedelta

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

# Keys made before scopes existed had MANAGE_ORDERS and no recorded creator: they
# keep that scope and expire 30 days after the upgrade, to be replaced by keys
# whose creator the app follows.
LEGACY_KEY_GRACE = timedelta(days=30)


def scope_legacy_keys(apps, schema_editor):
    ApiKey = apps.get_model("saleor_returns", "ApiKey")
    deadline = timezone.now() + LEGACY_KEY_GRACE
    ApiKey.objects.filter(revoked_at__isnull=True).update(scopes=["MANAGE_ORDERS"], expires_at=deadline)


class Migration(migrations.Migration):

    dependencies = [
        ("saleor_returns", "0013_task_schedule"),
    ]

    operations = [
        migrations.AddField(model_name="apikey", name="scopes", field=models.JSONField(default=list)),
        migrations.AddField(
            model_name="apikey", name="created_by_user_id", field=models.CharField(blank=True, max_length=255)
        ),
        migrations.AddField(
            model_name="apikey", name="created_by_email", field=models.CharField(blank=True, max_length=254)
        ),
        migrations.AddField(
            model_name="apikey",
            name="created_by_key",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="minted_keys",
                to="saleor_returns.apikey",
            ),
        ),
        migrations.AddField(model_name="apikey", name="expires_at", field=models.DateTimeField(blank=True, null=True)),
        migrations.AddField(
            model_name="apikey", name="creator_checked_at", field=models.DateTimeField(blank=True, null=True)
        ),
        migrations.AddField(
            model_name="apikey",
            name="revoked_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("revoked", "Revoked by staff"),
                    ("parent_revoked", "The key that created it was revoked"),
                    ("creator_deleted", "Its creator's staff account was deleted"),
                    ("creator_deactivated", "Its creator's staff account was deactivated"),
                    ("creator_lost_permissions", "Its creator lost permissions it holds"),
                    ("creator_not_found", "The app can no longer see its creator in Saleor"),
                ],
                max_length=32,
            ),
        ),
        migrations.RunPython(scope_legacy_keys, migrations.RunPython.noop),
        migrations.CreateModel(
            name="RateCounter",
            fields=[
                ("key", models.CharField(max_length=255, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
                ("expires_at", models.DateTimeField(db_index=True)),
            ],
        ),
    ]
