"""统一公共支付 (non-tax and public payments) and 电子票据: payment orders, channel transactions, signed
notifications, refunds, reconciliation and e-bills. Models come with the payment slice."""
