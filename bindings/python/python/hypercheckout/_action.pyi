# Type declarations for the variants of `Action` (hypercheckout._native.hypercheckout.Action).
# uniffi generates an enum with data as a class whose variants become subclasses of it only
# at runtime, with an unannotated __init__ for variants without fields, so type checkers
# would refuse `action=hc.Action.PAYMENT_PAGE()`. This stub declares what the runtime does.
# Kept in step with the Rust enum `Action` (core/src/request.rs) by
# tests/test_api.py::test_action_stub_matches_runtime.
from ._native.hypercheckout import Action as _GeneratedAction

class Action(_GeneratedAction):
    """What the HyperCheckout screen opens for; an open set (`OTHER` is any other name)."""

    class PAYMENT_PAGE(Action):
        """Start the payment page."""

        def __init__(self) -> None: ...

    class PAYMENT_MANAGEMENT(Action):
        """Manage saved cards and linked wallets; opens no order (`order_id`/`amount` optional)."""

        def __init__(self) -> None: ...

    class QUICK_PAY(Action):
        """One-tap payment with the customer's last used instrument."""

        def __init__(self) -> None: ...

    class ENACH(Action):
        """e-NACH (bank-account mandate) registration."""

        def __init__(self) -> None: ...

    class OTHER(Action):
        """Any other action, exactly as Juspay spells it."""

        name: str
        def __init__(self, name: str) -> None: ...
