from django.contrib import admin

from .models import Institution, LoanProduct, Officer


class OfficerInline(admin.TabularInline):
    model = Officer
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "is_local_branch", "is_active")
    list_filter = ("kind", "is_local_branch", "is_active")
    search_fields = ("name", "short_name")
    inlines = [OfficerInline]


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("user", "institution", "role", "is_active")
    list_filter = ("role", "is_active", "institution")
    search_fields = ("user__username", "user__last_name", "institution__name")
    raw_id_fields = ("user",)


@admin.register(LoanProduct)
class LoanProductAdmin(admin.ModelAdmin):
    list_display = ("name", "institution", "product_type", "min_amount", "max_amount", "status")
    list_filter = ("status", "product_type", "institution")
    search_fields = ("name", "institution__name", "description")
    filter_horizontal = ("eligible_chains",)
    readonly_fields = (
        "status",
        "review_note",
        "reviewed_at",
        "published_at",
        "created_at",
        "updated_at",
    )
