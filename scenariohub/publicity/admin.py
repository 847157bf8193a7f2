from django.contrib import admin

from scenariohub.publicity.models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(admin.ModelAdmin):
    list_display = ("title", "region", "published", "published_at")
    list_filter = ("published", "region")
    search_fields = ("title", "summary")
    # Writes go through the office's editor (sanitising and audit); the admin is for looking.
    readonly_fields = [f.name for f in NewsItem._meta.fields]

    def has_add_permission(self, request):
        return False
