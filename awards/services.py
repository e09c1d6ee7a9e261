"""Writes of programmes: copying last year's categories and rubrics."""

from django.db import transaction

from mail.errors import ServiceError

from .models import Category, Criterion, Programme


class ProgrammeError(ServiceError):
    """A programme change that the rules refuse; the message says why."""

    @property
    def code(self) -> str:
        return "programme_error"


@transaction.atomic
def programme_copy_categories(*, source: Programme, target: Programme) -> list[Category]:
    """Copy every category of `source`, with its rubric, into `target`.

    Guarantees: all or nothing; categories whose slug already exists in `target` are
    refused (the error names them) rather than silently duplicated or overwritten.
    """
    if source.pk == target.pk:
        raise ProgrammeError("Choose a different programme to copy from.")
    source_categories = list(source.categories.prefetch_related("criteria"))
    clashes = sorted(
        set(target.categories.values_list("slug", flat=True)) & {c.slug for c in source_categories}
    )
    if clashes:
        raise ProgrammeError(f"These categories already exist in {target}: {', '.join(clashes)}.")
    created = []
    for category in source_categories:
        criteria = list(category.criteria.all())
        copy = Category.objects.create(
            programme=target,
            name=category.name,
            slug=category.slug,
            description=category.description,
            nominee_kind=category.nominee_kind,
            cohort=category.cohort,
            min_age=category.min_age,
            max_age=category.max_age,
            max_finalists=category.max_finalists,
            display_order=category.display_order,
            is_active=category.is_active,
        )
        Criterion.objects.bulk_create(
            Criterion(
                category=copy,
                name=c.name,
                guidance=c.guidance,
                weight=c.weight,
                max_score=c.max_score,
                display_order=c.display_order,
            )
            for c in criteria
        )
        created.append(copy)
    return created
