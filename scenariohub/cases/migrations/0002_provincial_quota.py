"""Provincial scenarios' cases: nominated by the office against a provincial quota (the quota row without a
region, one per year) and marked `provincial`."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_membership_ended_at'),
        ('cases', '0001_benchmark_cases'),
        ('reference', '0002_load_taxonomy'),
        ('tracking', '0001_cooperation_tracking'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='benchmarkcase',
            name='provincial',
            field=models.BooleanField(default=False, help_text="A provincial scenario's case, nominated by the office and counted against the provincial quota.", verbose_name='provincial quota'),
        ),
        migrations.AlterField(
            model_name='benchmarkquota',
            name='region',
            field=models.ForeignKey(blank=True, help_text='Empty for the provincial quota.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.region', verbose_name='region'),
        ),
        migrations.AddConstraint(
            model_name='benchmarkquota',
            constraint=models.UniqueConstraint(condition=models.Q(('region__isnull', True)), fields=('year',), name='cases_quota_unique_year_provincial'),
        ),
    ]
