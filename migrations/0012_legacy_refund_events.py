from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_returns', '0011_exchange_difference'),
    ]

    operations = [
        migrations.AddField(
            model_name='refund',
            name='legacy_refund_events_before',
            field=models.JSONField(blank=True, null=True),
        ),
    ]
