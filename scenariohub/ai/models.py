from django.db import models


class DocumentVector(models.Model):
    """The engine's stored view of one document: its tokens and its embedding by one embedder.

    Kept so that an app server builds its in-memory index without re-embedding every document, and so
    that re-indexing skips documents whose text (`text_hash`) has not changed. One row per embedder, so
    switching `SCENARIOHUB_EMBEDDER` keeps the old vectors until they are cleaned up.
    """

    kind = models.CharField(max_length=32, help_text='What the id points to, e.g. "scenario" or "solution".')
    object_id = models.PositiveBigIntegerField()
    text_hash = models.CharField(max_length=64, help_text="SHA-256 of the indexed text.")
    embedder = models.CharField(max_length=200, help_text='Embedder name, or "none" (tokens only).')
    vector = models.BinaryField(blank=True, default=b"", help_text="scenariohub.ai.vectors.vector_to_bytes")
    tokens = models.TextField(blank=True, help_text="Segmented tokens joined by spaces.")
    title = models.CharField(
        max_length=200,
        blank=True,
        default="",
        help_text="The document's title: a search box matches exact names in it, in memory.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "embedder"], name="ai_documentvector_unique_kind_object_embedder"
            ),
        ]
        indexes = [models.Index(fields=["kind", "embedder"], name="ai_docvector_kind_embedder_idx")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id} ({self.embedder})"
