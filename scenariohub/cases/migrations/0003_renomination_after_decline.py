"""A declined case can be nominated again: one case per cooperation becomes one that is not declined, and
the new nomination points at the declined one (`previous`), which stays as history."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0005_membership_ended_at'),
        ('cases', '0002_provincial_quota'),
        ('reference', '0002_load_taxonomy'),
        ('tracking', '0001_cooperation_tracking'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='benchmarkcase',
            name='previous',
            field=models.OneToOneField(blank=True, help_text='The declined nomination of the same cooperation that this one follows.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='next', to='cases.benchmarkcase', verbose_name='nominated again after'),
        ),
        migrations.AlterField(
            model_name='benchmarkcase',
            name='cooperation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='benchmark_cases', to='tracking.cooperation', verbose_name='cooperation'),
        ),
        migrations.AddConstraint(
            model_name='benchmarkcase',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'declined'), _negated=True), fields=('cooperation',), name='cases_one_open_case_per_cooperation'),
        ),
    ]
