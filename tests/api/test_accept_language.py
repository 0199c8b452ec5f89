"""Accept-Language is read as Django reads it: q-values weighed, regional variants matched."""

import pytest

REASONS = "{ returnReasons { code label } }"


@pytest.mark.parametrize(("header", "chinese"), [
    ("en;q=0.3, zh-CN;q=0.9", True),
    ("fr, zh-Hans;q=0.5", True),
    ("zh-TW;q=0.2, en;q=0.8", False),
    ("de", False),
    ("", False),
])
def test_labels_follow_the_callers_preferred_language(as_anonymous, header, chinese):
    result = as_anonymous(REASONS, **{"Accept-Language": header}) if header else as_anonymous(REASONS)

    labels = {reason["code"]: reason["label"] for reason in result["data"]["returnReasons"]}
    assert (labels["QUALITY"] == "质量问题") is chinese, labels["QUALITY"]
