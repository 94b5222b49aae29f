# The duty roster and its escalations (CON-3).

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('moderation', '0001_initial'),
        ('tenants', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Escalation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('unwatched', '无人值班'), ('overdue', '审核超时')], max_length=16, verbose_name='类型')),
                ('opened_at', models.DateTimeField(verbose_name='开始时间')),
                ('last_alerted_at', models.DateTimeField(verbose_name='最近告警')),
                ('alert_count', models.PositiveIntegerField(default=1, verbose_name='告警次数')),
                ('item_count', models.PositiveIntegerField(default=0, verbose_name='内容数')),
                ('resolved_at', models.DateTimeField(blank=True, null=True, verbose_name='解除时间')),
                ('resolution', models.CharField(blank=True, max_length=32, verbose_name='解除原因')),
                ('oldest_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='moderation.contentitem')),
                ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='duty_escalations', to='tenants.tenant')),
            ],
            options={
                'ordering': ['-opened_at', '-id'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('resolved_at__isnull', True)), fields=('tenant', 'kind'), name='duty_escalation_one_open'), models.CheckConstraint(condition=models.Q(('kind__in', ['unwatched', 'overdue'])), name='duty_escalation_kind_valid')],
            },
        ),
        migrations.CreateModel(
            name='Shift',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('planned_start', models.DateTimeField(blank=True, null=True, verbose_name='计划开始')),
                ('planned_end', models.DateTimeField(blank=True, null=True, verbose_name='计划结束')),
                ('signed_on_at', models.DateTimeField(blank=True, null=True, verbose_name='上岗时间')),
                ('signed_off_at', models.DateTimeField(blank=True, null=True, verbose_name='下岗时间')),
                ('handover_note', models.TextField(blank=True, validators=[django.core.validators.MaxLengthValidator(4000)], verbose_name='交接说明')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('reviewer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shifts', to=settings.AUTH_USER_MODEL, verbose_name='值班人')),
                ('tenant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='shifts', to='tenants.tenant')),
            ],
            options={
                'ordering': ['planned_start', 'signed_on_at', 'id'],
                'indexes': [models.Index(fields=['tenant', 'signed_off_at'], name='duty_shift_tenant_idx')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('signed_off_at__isnull', True), ('signed_on_at__isnull', False)), fields=('reviewer',), name='duty_shift_one_open_per_reviewer'), models.CheckConstraint(condition=models.Q(models.Q(('planned_end__isnull', True), ('planned_start__isnull', True)), models.Q(('planned_end__gt', models.F('planned_start')), ('planned_start__isnull', False)), _connector='OR'), name='duty_shift_plan_ordered'), models.CheckConstraint(condition=models.Q(('signed_off_at__isnull', True), models.Q(('signed_off_at__gte', models.F('signed_on_at')), ('signed_on_at__isnull', False)), _connector='OR'), name='duty_shift_off_after_on')],
            },
        ),
    ]
