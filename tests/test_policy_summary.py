"""The policy's plain-language summary: a sentence for every rule with an effect, in English and Chinese."""

from decimal import Decimal

from saleor_returns.policy_rules import AutoApproval, Override, PolicyRules, RestockingFee
from saleor_returns.policy_summary import policy_summary


def test_the_defaults_say_what_happens():
    lines = policy_summary(PolicyRules())

    assert lines[0] == "Items can be returned within 30 days of delivery (until the end of the day, UTC)."
    assert "Customers can ask for: refund, store credit, exchange." in lines
    assert "Return shipping is free for the customer." in lines
    assert lines[-1] == "Every request waits for staff review."


def test_every_configured_rule_is_said():
    rules = PolicyRules(
        window_days=14,
        time_zone="Asia/Shanghai",
        overrides=(Override(kind="category", id="Q2F0ZWdvcnk6MQ==", is_returnable=False), Override(kind="product_type", id="PT1", window_days=60)),
        customer_return_shipping_fee=Decimal("4.95"),
        restocking_fees=(RestockingFee(percentage=Decimal("15"), reason_codes=("CHANGED_MIND",)), RestockingFee(fixed_amount=Decimal("2.50"))),
        store_credit_bonus_percentage=Decimal("10"),
        keep_item_max_value=Decimal("5"),
        instant_refund_max_value=Decimal("100"),
        auto_approval=AutoApproval(enabled=True, max_value=Decimal("50"), max_customer_return_rate=Decimal("0.25"), max_order_age_days=20),
    )

    lines = policy_summary(rules)

    assert lines[0] == "Items can be returned within 14 days of delivery (until the end of the day, Asia/Shanghai)."
    assert "Items in category Q2F0ZWdvcnk6MQ== cannot be returned." in lines
    assert "Items in product type PT1 can be returned within 60 days." in lines
    assert "Customers pay 4.95 for return shipping unless the shop is at fault." in lines
    assert "A restocking fee of 15% is kept for CHANGED_MIND." in lines
    assert "A restocking fee of 2.50 per unit is kept." in lines
    assert "Store credit gets a 10% bonus." in lines
    assert "Customers keep items worth at most 5 instead of sending them back." in lines
    assert "Requests approved automatically are refunded at the first carrier scan, up to 100." in lines
    assert (
        "Requests worth at most 50, from customers who returned at most 25% of their orders, "
        "on orders at most 20 days old, with no risk flag are approved automatically; the rest wait for staff review."
    ) in lines


def test_chinese_follows_the_same_rules():
    rules = PolicyRules(window_days=7, customer_return_shipping_fee=Decimal("10"), auto_approval=AutoApproval(enabled=True, max_value=Decimal("99")))

    english = policy_summary(rules, "en")
    chinese = policy_summary(rules, "zh-Hans")

    assert len(chinese) == len(english)
    assert chinese[0] == "商品可在签收后 7 天内退货（截至当天结束，UTC）。"
    assert "除店铺责任外，顾客需支付 10 的退货运费。" in chinese
    assert "价值不超过 99、无风险标记的申请将自动批准，其余申请等待员工审核。" in chinese
    assert policy_summary(rules, "zh_hans") == chinese
    assert policy_summary(rules, "fr") == english


def test_a_zero_window_says_returns_are_closed():
    assert policy_summary(PolicyRules(window_days=0))[0] == "Returns are not accepted: the return window is 0 days."


def test_reasons_are_named_with_the_shops_labels():
    rules = PolicyRules(photo_required_reason_codes=("DEFECT", "UNKNOWN_CODE"), restocking_fees=(RestockingFee(percentage=Decimal("10"), reason_codes=("CHANGED_MIND",)),))

    lines = policy_summary(rules, "zh-Hans", {"DEFECT": "有缺陷", "CHANGED_MIND": "不想要了"})

    assert "以下原因需要上传照片：有缺陷、UNKNOWN_CODE。" in lines
    assert "收取 10% 的重新入库费（适用于 不想要了）。" in lines
