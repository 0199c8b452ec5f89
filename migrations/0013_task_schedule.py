from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('saleor_returns', '0012_legacy_refund_events'),
    ]

    operations = [
        migrations.CreateModel(
            name='TaskSchedule',
            fields=[
                ('name', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('scheduled_at', models.DateTimeField()),
            ],
        ),
    ]
