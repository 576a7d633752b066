"""Every key binding of the app, by where it works: for ``?`` and the keymap checks."""

from __future__ import annotations

from textual.binding import Binding


def binding_groups() -> list[tuple[str, list[Binding]]]:
    from smartnet_tui.tui.app import SmartnetApp
    from smartnet_tui.tui.components.dialogs import ChoiceModal, ConfirmModal, FormModal
    from smartnet_tui.tui.components.import_dialog import ImportDialog, ImportPreview, Toggle
    from smartnet_tui.tui.screens.detail import ContractScreen, DetailScreen, DeviceScreen
    from smartnet_tui.tui.screens.history import HistoryScreen
    from smartnet_tui.tui.screens.tables import (
        AlertsScreen,
        ContractsScreen,
        InventoryScreen,
        TableScreen,
    )
    from smartnet_tui.tui.widgets.record_table import RecordTable

    def own(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]

    return [
        ("Everywhere", own(SmartnetApp)),
        ("Tables", own(RecordTable) + own(TableScreen)),
        ("Alerts", own(AlertsScreen)),
        ("Inventory", own(InventoryScreen)),
        ("Contracts", own(ContractsScreen)),
        ("Device and contract detail", own(DetailScreen)),
        ("Device detail", own(DeviceScreen)),
        ("Contract detail", own(ContractScreen)),
        ("History", own(HistoryScreen)),
        ("Import", own(ImportDialog) + own(Toggle) + own(ImportPreview)),
        ("Dialogs", own(ChoiceModal) + [b for b in own(FormModal) if b.id != "dialog.cancel"]
         + own(ConfirmModal)),
    ]


def all_bindings() -> list[tuple[str, Binding]]:
    return [(group, b) for group, bindings in binding_groups() for b in bindings]
