"""The reason taxonomy every shop starts with (staff edit it afterwards).

Two levels: a group, then the reason storefronts send by its stable code. Each
reason says whether the merchant is at fault, which decides who pays return
shipping and whether the original shipping is refunded.
"""

# (group code, English, Simplified Chinese, [(code, English, Simplified Chinese, merchant at fault)])
DEFAULT_REASONS = (
    (
        "QUALITY",
        "Quality",
        "质量问题",
        [
            ("DEFECT", "Defective or faulty", "商品有缺陷或故障", True),
            ("EXPIRED", "Expired", "商品已过期", True),
            ("COUNTERFEIT", "Counterfeit", "疑似假冒商品", True),
        ],
    ),
    (
        "LOGISTICS",
        "Delivery",
        "物流问题",
        [
            ("PACKAGING_DAMAGED", "Packaging damaged", "包装破损", True),
            ("DAMAGED_IN_TRANSIT", "Damaged in transit", "运输途中损坏", True),
            ("LATE_DELIVERY", "Arrived too late", "配送延误", True),
        ],
    ),
    (
        "CUSTOMER",
        "Customer",
        "客户原因",
        [
            ("ORDERED_BY_MISTAKE", "Ordered by mistake", "拍错或误购", False),
            ("NOT_AS_DESCRIBED", "Not as described", "与商品描述不符", True),
            ("SERVICE_EXPERIENCE", "Poor service", "服务体验不佳", True),
            ("CHANGED_MIND", "Changed my mind", "不想要了", False),
        ],
    ),
    (
        "OTHER",
        "Other",
        "其他",
        [
            ("PRICE_DROPPED", "Price dropped", "商品降价", False),
            ("PROMOTION_CHANGED", "Promotion changed", "促销活动变更", False),
            ("ORDER_OR_PAYMENT_ERROR", "Order or payment error", "订单或支付错误", True),
        ],
    ),
)
