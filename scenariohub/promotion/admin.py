from django.contrib import admin

from scenariohub.cases.admin import ReadOnlyAdmin
from scenariohub.promotion.models import Adoption, PromotedProduct


@admin.register(PromotedProduct)
class PromotedProductAdmin(ReadOnlyAdmin):
    list_display = (
        "solution",
        "listed",
        "first_set",
        "first_batch",
        "first_version",
        "government_procurement",
    )
    list_filter = ("listed", "first_set", "first_batch", "first_version", "government_procurement")


@admin.register(Adoption)
class AdoptionAdmin(ReadOnlyAdmin):
    list_display = ("product", "organisation", "region", "adopted_on", "amount")
    list_filter = ("region",)
