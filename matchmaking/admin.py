from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import Match, ScoringPolicy


@admin.register(ScoringPolicy)
class ScoringPolicyAdmin(ReadOnlyAdmin):
    """History only: changes go through the finance office's settings page, which recomputes."""

    list_display = ("created_at", "created_by", "min_score", "top_k", "note")


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Derived data the engine rewrites: read-only here."""

    list_display = ("need", "product", "score", "computed_at")
    search_fields = ("need__enterprise__name", "product__name")
    raw_id_fields = ("need", "product")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
