"""returnPolicy.summary follows Accept-Language like the reason labels."""

POLICY = "{ returnPolicy { version summary } }"


def test_the_summary_is_in_the_staff_members_language(as_staff, shop):
    english = as_staff(POLICY)["data"]["returnPolicy"]["summary"]
    chinese = as_staff(POLICY, **{"Accept-Language": "zh-Hans"})["data"]["returnPolicy"]["summary"]

    assert english[0].startswith("Items can be returned within 30 days")
    assert chinese[0].startswith("商品可在签收后 30 天内退货")
    assert len(chinese) == len(english)
