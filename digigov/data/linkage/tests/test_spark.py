"""The same Splink model on Spark (``Settings(backend="spark")``). pyspark is not in the lock (455 MB, CI
budget): the test runs where it is installed (``pip install pyspark==4.3.0``, Java 17) and is skipped
elsewhere."""

import pytest

from digigov.data.linkage import engine, evaluate, synth

pytestmark = pytest.mark.slow


def test_spark_backend_links_like_duckdb():
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession
    from splink.internals.spark.jar_location import similarity_jar_location

    spark = (SparkSession.builder.master("local[2]").appName("digigov-linkage-test")
             .config("spark.jars", similarity_jar_location())
             .config("spark.sql.shuffle.partitions", "4")
             .config("spark.ui.enabled", "false")
             .getOrCreate())
    try:
        people = synth.make_population(600, seed=4)
        feeds = synth.feeds_from_people(people, seed=4)
        plain = synth.strip_truth(feeds)
        result = engine.link(plain, settings=engine.Settings(backend="spark", spark_session=spark))
        s = evaluate.score(result.clusters, synth.truth_of(feeds), people)
        assert s.f1 >= 0.97, s
        assert s.forbidden_merges == 0
        duck = engine.link(plain)
        assert evaluate.score(duck.clusters, synth.truth_of(feeds), people).f1 - s.f1 < 0.02
    finally:
        spark.stop()
